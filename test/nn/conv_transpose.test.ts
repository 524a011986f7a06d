// nn.ConvTranspose2d's fast path computes exactly aten::conv_transpose2d:
// values and gradients to 1e-4 for stride 1 and 2, kernel 3/4/5, with and
// without output padding (float32, as the models run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';
import { assertClose } from '../helpers.js';

const cases: [number, number, number, number][] = []; // [stride, kernel, padding, outputPadding]
for (const s of [1, 2])
  for (const k of [3, 4, 5]) for (const p of [0, 1, 2]) for (const op of s === 2 ? [0, 1] : [0]) cases.push([s, k, p, op]);
cases.push([3, 5, 1, 2]); // a stride the decoder does not use, for generality

for (const [s, k, p, op] of cases) {
  test(`ConvTranspose2d stride ${s} kernel ${k} padding ${p} output padding ${op}: values and gradients match aten`, () => {
    T.manualSeed(s * 100 + k * 10 + p + op);
    const layer = new nn.ConvTranspose2d(6, 5, k, { stride: s, padding: p, outputPadding: op });
    T.tidy(() => {
      const x = T.randn([2, 6, 5, 7], { requiresGrad: true });
      const fast = layer.forward(x);
      const ref = T.convTranspose2dReference(x, layer.weight, layer.bias, s, p, op);
      assertClose(fast, ref, { atol: 1e-4, rtol: 1e-4, what: 'output' });
      const g = T.randnLike(ref);
      T.sum(T.mul(ref, g)).backward();
      const refGrads = [x.grad!, layer.weight.grad!, layer.bias!.grad!].map((t) => t.clone());
      x.setGrad(null);
      layer.zeroGrad();
      T.sum(T.mul(fast, g)).backward();
      [x.grad!, layer.weight.grad!, layer.bias!.grad!].forEach((gr, i) =>
        assertClose(gr, refGrads[i]!, { atol: 1e-4, rtol: 1e-4, what: ['grad x', 'grad weight', 'grad bias'][i] }),
      );
    });
    layer.dispose();
  });
}

test('ConvTranspose2d without bias, and groups (reference path), match aten', () => {
  T.tidy(() => {
    const a = new nn.ConvTranspose2d(4, 6, 4, { stride: 2, padding: 1, bias: false });
    const x = T.randn([1, 4, 3, 3]);
    assertClose(a.forward(x), T.convTranspose2dReference(x, a.weight, null, 2, 1, 0), { atol: 1e-4 });
    const g = new nn.ConvTranspose2d(4, 6, 3, { stride: 2, groups: 2 });
    assertClose(g.forward(x), T.convTranspose2dReference(x, g.weight, g.bias, 2, 0, 0, 2), { atol: 1e-4 });
    a.dispose();
    g.dispose();
  });
});

test('ConvTranspose2d inference cache: same values, refreshed when the weights change, unused with grad, freed when turned off', () => {
  T.manualSeed(5);
  const layer = new nn.ConvTranspose2d(6, 5, 5, { stride: 2, padding: 2, outputPadding: 1 });
  const stride1 = new nn.ConvTranspose2d(5, 3, 5, { stride: 1, padding: 2 }); // bias passed through as is
  const x = T.tidy(() => T.keep(T.randn([1, 6, 4, 4])));
  const run = () => T.noGrad(() => T.tidy(() => T.keep(stride1.forward(layer.forward(x)))));
  const live = T.liveTensors();
  const plain = run();
  layer.setInferenceCache(true);
  stride1.setInferenceCache(true);
  const cached = run();
  assertClose(cached, plain, { atol: 0, what: 'cached output' });
  const again = run(); // the cache is reused, not grown
  const withCache = T.liveTensors();
  // An in-place change of the weights (what an optimizer or a checkpoint load does) refreshes it.
  T.noGrad(() =>
    T.tidy(() => {
      T.mul_(layer.weight, 0.5);
    }),
  );
  const changed = run();
  // So does a replaced weight (set_data: a new storage; autograd's version counter is kept).
  const replaced = T.tidy(() => T.keep(T.mul(layer.weight, -1)));
  T.noGrad(() => T.tidy(() => T.setData(layer.weight, replaced)));
  const afterSet = run();
  T.noGrad(() => T.tidy(() => T.setData(layer.weight, T.mul(replaced, -1))));
  replaced.dispose();
  assert.ok(T.tidy(() => T.max(T.abs(T.sub(afterSet, changed))).item()) > 1e-3, 'the cache was not refreshed after set_data');
  const back = run();
  assertClose(back, changed, { atol: 0, what: 'output after setting the weight back' });
  back.dispose();
  layer.setInferenceCache(false);
  stride1.setInferenceCache(false);
  const reference = run();
  assertClose(changed, reference, { atol: 0, what: 'output after a weight change' });
  assert.ok(T.tidy(() => T.max(T.abs(T.sub(changed, plain))).item()) > 1e-3, 'the weight change must change the output');
  // With grad, the cache is not used: gradients reach the weights.
  layer.setInferenceCache(true);
  T.tidy(() => {
    T.sum(layer.forward(x)).backward();
  });
  const grad = layer.weight.grad;
  assert.ok(grad, 'no gradient for the weight with the cache on');
  grad.dispose();
  layer.zeroGrad();
  layer.setInferenceCache(false);
  T.dispose([plain, cached, again, changed, reference, afterSet]);
  assert.equal(T.liveTensors(), live, `live tensors: ${T.liveTensors()} (the cache held ${withCache - live - 3})`);
  x.dispose();
  layer.dispose();
  stride1.dispose();
});
