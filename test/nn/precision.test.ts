// Mixed precision (libtorch's autocast) and channels-last layouts: each layer type
// in bf16 against fp32 within bf16's tolerance, float32 master weights and gradients,
// no leaked tensors, and the designer's outputs unchanged by the memory layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';
import { Designer } from '../../src/models/designer.js';
import { algorithm1Step } from '../../src/train/algorithm1.js';
import type { ImageBatch } from '../../src/train/batches.js';
import { makeOptimizers } from '../../src/train/optimizers.js';
import { DEFAULT_STEP } from '../../src/train/config.js';
import { TINY_MODEL } from '../train/fixtures.js';
import { assertClose } from '../helpers.js';

test('withPrecision switches autocast on for bf16 and restores the previous state, nesting', () => {
  assert.equal(T.autocastDtype('cpu'), null);
  T.withPrecision('bf16', 'cpu', () => {
    assert.equal(T.autocastDtype('cpu'), 'bfloat16');
    T.withPrecision('fp32', 'cpu', () => assert.equal(T.autocastDtype('cpu'), null));
    assert.equal(T.autocastDtype('cpu'), 'bfloat16');
  });
  assert.equal(T.autocastDtype('cpu'), null);
  assert.throws(
    () =>
      T.withPrecision('bf16', 'cpu', () => {
        throw new Error('inside');
      }),
    /inside/,
  );
  assert.equal(T.autocastDtype('cpu'), null, 'restored after a throw');
  assert.throws(() => T.parsePrecision('fp16'), /unknown precision 'fp16': expected fp32 or bf16/);
});

const layers: [string, () => nn.Module & { forward(x: T.Tensor): T.Tensor }, number[]][] = [
  ['Conv2d', () => new nn.Conv2d(6, 8, 3, { padding: 1 }), [4, 6, 12, 12]],
  ['Conv2d stride 2', () => new nn.Conv2d(6, 8, 5, { stride: 2, padding: 2 }), [4, 6, 12, 12]],
  [
    'ConvTranspose2d (phase decomposition)',
    () => new nn.ConvTranspose2d(6, 8, 5, { stride: 2, padding: 2, outputPadding: 1 }),
    [4, 6, 8, 8],
  ],
  ['ConvTranspose2d to RGB', () => new nn.ConvTranspose2d(6, 3, 5, { stride: 1, padding: 2 }), [4, 6, 8, 8]],
  ['Linear', () => new nn.Linear(24, 16), [8, 24]],
  ['BatchNorm2d (training)', () => new nn.BatchNorm2d(6), [4, 6, 8, 8]],
];

for (const [name, make, shape] of layers) {
  for (const layout of ['contiguous', 'channels_last'] as const) {
    if (layout === 'channels_last' && shape.length !== 4) continue;
    test(`bf16 ${name} (${layout}): forward and gradients match fp32 within bf16 tolerance; weights and grads stay float32`, () => {
      T.manualSeed(11);
      const m = make();
      const x = T.keep(T.contiguous(T.randn(shape), layout === 'channels_last' && shape.length === 4 ? 'channels_last' : 'contiguous'));
      const gout = T.keep(T.randn(T.tidy(() => m.forward(x)).shape));
      const run = (precision: T.Precision) =>
        T.tidy(() => {
          m.zeroGrad();
          const xi = T.keep(x.clone().requiresGrad_(true));
          const y = T.withPrecision(precision, 'cpu', () => m.forward(xi));
          T.sum(T.mul(T.toDtype(y, 'float32'), gout)).backward();
          const grads = m.parameters().map((p) => {
            assert.equal(p.dtype, 'float32', 'master weights stay float32');
            assert.equal(p.grad!.dtype, 'float32', 'gradients reach the float32 weights');
            return T.keep(p.grad!.clone());
          });
          const out = { y: T.keep(T.toDtype(y, 'float32')), gx: T.keep(xi.grad!.clone()), grads, dtype: y.dtype };
          xi.dispose();
          return out;
        });
      const ref = run('fp32'),
        low = run('bf16');
      if (name.startsWith('BatchNorm')) assert.equal(low.dtype, 'float32', 'autocast keeps batch norm of float32 input in float32');
      else assert.equal(low.dtype, 'bfloat16', 'convolutions and matrix products run in bfloat16');
      // bf16 keeps 8 bits of mantissa: relative error ~2^-8 per rounding, a few roundings deep.
      const tol = (t: T.Tensor) => ({ atol: 0.03 * T.tidy(() => T.max(T.abs(t)).item()), rtol: 0.03 });
      assertClose(low.y, ref.y, { ...tol(ref.y), what: `${name} output` });
      assertClose(low.gx, ref.gx, { ...tol(ref.gx), what: `${name} input gradient` });
      ref.grads.forEach((g, i) => assertClose(low.grads[i]!, g, { ...tol(g), what: `${name} weight gradient ${i}` }));
      T.dispose([x, gout, ref, low]);
      m.dispose();
    });
  }
}

function batch(B: number): ImageBatch {
  const img = () => T.keep(T.sub(T.mul(T.rand([B, 3, 64, 64]), 2), 1));
  return {
    target: 'bottom',
    users: T.keep(
      T.tensor(
        Array.from({ length: B }, (_, i) => i % 3),
        { dtype: 'int64' },
      ),
    ),
    query: img(),
    positive: img(),
    negQuery: img(),
    negComplement: img(),
  };
}

test('a bf16 Algorithm 1 step leaves no live tensors behind, keeps float32 weights and optimizer state, and finite losses', () => {
  T.manualSeed(4);
  const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'] });
  model.precision = 'bf16';
  const opt = makeOptimizers(model, { lr: 1e-3, betas: [0.5, 0.999] });
  const b = batch(4);
  algorithm1Step(model, opt, b, DEFAULT_STEP); // creates Adam's moments
  const before = T.liveTensors();
  for (let i = 0; i < 2; i++) {
    const l = algorithm1Step(model, opt, b, DEFAULT_STEP);
    for (const k of ['L_FM', 'L_D', 'L_G'] as const) assert.ok(Number.isFinite(l[k]), `${k} = ${l[k]}`);
    assert.equal(T.liveTensors(), before, `step ${i + 2}`);
  }
  for (const [n, p] of model.namedParameters()) assert.equal(p.dtype, 'float32', n);
  for (const [n, t] of model.namedBuffers()) assert.ok(t.dtype === 'float32' || t.dtype === 'int64', `${n}: ${t.dtype}`);
  assert.equal(T.autocastDtype('cpu'), null, 'autocast is off again after the step');
  model.dispose();
  for (const o of [opt.compat, ...opt.disc.values(), ...opt.gen.values()]) o.dispose();
  T.dispose([b.users, b.query, b.positive, b.negQuery, b.negComplement]);
});

test('designs: channels-last equals contiguous; bf16 is close to fp32 and returned as float32 NCHW', () => {
  T.manualSeed(6);
  const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'] });
  const q = T.keep(T.sub(T.mul(T.rand([3, 3, 64, 64]), 2), 1));
  const u = T.keep(T.tensor([0, 1, 2], { dtype: 'int64' }));
  const designs = (layout: T.MemoryFormat, precision: T.Precision) => {
    model.memoryFormat = layout;
    model.precision = precision;
    return T.keep(model.design(q, u, 'bottom'));
  };
  const nchw = designs('contiguous', 'fp32'),
    nhwc = designs('channels_last', 'fp32'),
    low = designs('channels_last', 'bf16');
  assertClose(nhwc, nchw, { atol: 1e-5, rtol: 1e-4, what: 'channels-last design' });
  assertClose(low, nchw, { atol: 0.05, rtol: 0.05, what: 'bf16 design' });
  assert.equal(low.dtype, 'float32');
  assert.ok(
    T.tidy(() => T.equal(low, T.contiguous(low))),
    'designs come back in NCHW layout',
  );
  T.dispose([q, u, nchw, nhwc, low]);
  model.dispose();
});
