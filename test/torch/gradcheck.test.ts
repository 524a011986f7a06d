// Gradients of every op the models use, against central finite differences in float64.
import { test } from 'node:test';
import * as T from '../../src/torch/index.js';
import { convTranspose2d } from '../../src/nn/index.js';
import { gradcheck } from '../helpers.js';

T.manualSeed(7);
const r = (...shape: number[]) => T.keep(T.randn(shape, { dtype: 'float64' }));
const pos = (...shape: number[]) => T.keep(T.add(T.rand(shape, { dtype: 'float64' }), 0.5));

type X = T.Tensor;
const CASES: [string, (...x: X[]) => X, X[]][] = [
  ['add (broadcast)', (a, b) => T.add(a!, b!, 0.5), [r(2, 3), r(3)]],
  ['sub', (a, b) => T.sub(a!, b!), [r(2, 3), r(2, 1)]],
  ['mul', (a, b) => T.mul(a!, b!), [r(2, 3), r(2, 3)]],
  ['div', (a, b) => T.div(a!, b!), [r(2, 3), pos(2, 3)]],
  ['pow', (a) => T.pow(a!, 2.5), [pos(5)]],
  ['square', (a) => T.square(a!), [r(5)]],
  ['sqrt', (a) => T.sqrt(a!), [pos(5)]],
  ['exp/log', (a) => T.log(T.add(T.exp(a!), 1)), [r(5)]],
  ['leakyRelu', (a) => T.leakyRelu(a!, 0.2), [r(11)]],
  ['tanh', (a) => T.tanh(a!), [r(6)]],
  ['sigmoid', (a) => T.sigmoid(a!), [r(6)]],
  ['logSigmoid', (a) => T.logSigmoid(a!), [r(6)]],
  ['softplus', (a) => T.softplus(a!), [r(6)]],
  ['sum/mean over dims', (a) => T.add(T.sum(a!, [1], true), T.mean(a!, [0, 1], true)), [r(2, 3, 2)]],
  ['variance', (a) => T.variance(a!, [0]), [r(4, 3)]],
  ['matmul', (a, b) => T.matmul(a!, b!), [r(2, 3, 4), r(4, 2)]],
  ['linear', (x, w, b) => T.linear(x!, w!, b!), [r(3, 4), r(2, 4), r(2)]],
  ['conv2d k5 s2 p2', (x, w, b) => T.conv2d(x!, w!, b!, 2, 2), [r(2, 2, 7, 6), r(3, 2, 5, 5), r(3)]],
  [
    'fast convTranspose2d k5 s2 p2 op1',
    (x, w, b) => convTranspose2d(x!, w!, b!, [2, 2], [2, 2], [1, 1]),
    [r(1, 2, 3, 3), r(2, 3, 5, 5), r(3)],
  ],
  ['fast convTranspose2d k5 s1 p2', (x, w, b) => convTranspose2d(x!, w!, b!, [1, 1], [2, 2], [0, 0]), [r(1, 2, 3, 3), r(2, 2, 5, 5), r(2)]],
  ['fast convTranspose2d k4 s2 p1', (x, w) => convTranspose2d(x!, w!, null, [2, 2], [1, 1], [0, 0]), [r(1, 2, 3, 3), r(2, 2, 4, 4)]],
  ['batchNorm (training)', (x, w, b) => T.batchNorm(x!, w!, b!, null, null, true, 0.1, 1e-5), [r(3, 2, 2, 2), r(2), r(2)]],
  [
    'embedding',
    (w) =>
      T.embedding(
        w!,
        T.tensor(
          [
            [0, 2],
            [2, 1],
          ],
          { dtype: 'int64' },
        ),
      ),
    [r(3, 4)],
  ],
  ['reshape/permute/flatten', (a) => T.flatten(T.permute(T.reshape(a!, [2, 3, 2]), [2, 0, 1]), 1), [r(12)]],
  ['cat', (a, b) => T.cat([a!, b!], 1), [r(2, 1), r(2, 3)]],
  ['pad (pad and crop)', (a) => T.pad(a!, [1, -1, -1, 2]), [r(1, 1, 3, 3)]],
  ['pixelShuffle', (a) => T.pixelShuffle(a!, 2), [r(1, 4, 2, 2)]],
  ['flip', (a) => T.flip(a!, [0]), [r(3, 2)]],
  ['mseLoss', (a, b) => T.mseLoss(a!, b!), [r(3, 2), r(3, 2)]],
  [
    'bceWithLogits',
    (a) =>
      T.bceWithLogits(
        a!,
        T.tensor(
          [
            [1, 0],
            [0, 1],
          ],
          { dtype: 'float64' },
        ),
      ),
    [r(2, 2)],
  ],
  ['resizeBilinear', (a) => T.resizeBilinear(a!, [5, 4]), [r(1, 1, 3, 3)]],
  ['adaptiveAvgPool2d', (a) => T.adaptiveAvgPool2d(a!, 1), [r(1, 2, 3, 3)]],
];

for (const [name, fn, inputs] of CASES) {
  test(`gradient of ${name} matches finite differences`, () => gradcheck(fn, inputs, { what: name }));
}

test('gradcheck itself catches a wrong gradient', async () => {
  const assert = (await import('node:assert/strict')).default;
  // detach() hides one factor from autograd: analytic d/dx (x.detach() * x) = x, true derivative 2x.
  assert.throws(() => gradcheck((x) => T.mul(x!.detach(), x!), [r(4)]), /d\/d input 0/);
});
