// Every wrapped op against PyTorch's values and gradients (fixtures from
// scripts/fixtures/make_torch_fixtures.py, same libtorch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { convTranspose2d } from '../../src/nn/index.js';
import { assertClose, fixture } from '../helpers.js';

type X = T.Tensor;
const CASES: Record<string, (...x: X[]) => X | X[]> = {
  add: (a, b) => T.add(a!, b!),
  add_alpha: (a, b) => T.add(a!, b!, -2.5),
  add_scalar: (a) => T.add(a!, 1.5),
  sub: (a, b) => T.sub(a!, b!),
  mul: (a, b) => T.mul(a!, b!),
  mul_scalar: (a) => T.mul(a!, -3),
  div: (a, b) => T.div(a!, b!),
  div_scalar: (a) => T.div(a!, 4),
  pow_scalar: (a) => T.pow(a!, 3),
  pow_half: (a) => T.pow(a!, 0.5),
  neg: (a) => T.neg(a!),
  sqrt: (a) => T.sqrt(a!),
  rsqrt: (a) => T.rsqrt(a!),
  exp: (a) => T.exp(a!),
  log: (a) => T.log(a!),
  log1p: (a) => T.log1p(a!),
  abs: (a) => T.abs(a!),
  square: (a) => T.square(a!),
  clamp: (a) => T.clamp(a!, -0.5, 0.7),
  clamp_min: (a) => T.clamp(a!, 0.1),
  maximum: (a, b) => T.maximum(a!, b!),
  minimum: (a, b) => T.minimum(a!, b!),
  relu: (a) => T.relu(a!),
  leaky_relu: (a) => T.leakyRelu(a!, 0.2),
  tanh: (a) => T.tanh(a!),
  sigmoid: (a) => T.sigmoid(a!),
  log_sigmoid: (a) => T.logSigmoid(a!),
  softplus: (a) => T.softplus(a!),
  softmax: (a) => T.softmax(a!, 1),
  log_softmax: (a) => T.logSoftmax(a!, -1),
  gelu: (a) => T.gelu(a!),
  sum_all: (a) => T.sum(a!),
  sum_dims: (a) => T.sum(a!, [0, 2], true),
  mean_all: (a) => T.mean(a!),
  mean_dim: (a) => T.mean(a!, 1),
  var: (a) => T.variance(a!, 0),
  var_pop: (a) => T.variance(a!, 1, 0),
  std: (a) => T.std(a!),
  logsumexp: (a) => T.logsumexp(a!, 1),
  norm: (a) => T.norm(a!, 2),
  norm_dim: (a) => T.norm(a!, 1, [1]),
  max_all: (a) => T.max(a!),
  matmul: (a, b) => T.matmul(a!, b!),
  mm: (a, b) => T.mm(a!, b!),
  bmm: (a, b) => T.bmm(a!, b!),
  linear: (x, w, b) => T.linear(x!, w!, b!),
  addmm: (c, a, b) => T.addmm(c!, a!, b!, 0.5, 2),
  conv2d: (x, w, b) => T.conv2d(x!, w!, b!, 1, 1),
  conv2d_s2k5: (x, w, b) => T.conv2d(x!, w!, b!, 2, 2),
  conv2d_groups: (x, w) => T.conv2d(x!, w!, null, 1, 0, 1, 2),
  conv_transpose2d: (x, w, b) => T.convTranspose2dReference(x!, w!, b!, 2, 2, 1),
  pixel_shuffle: (x) => T.pixelShuffle(x!, 2),
  pad: (x) => T.pad(x!, [1, 2, 0, 3], 0.5),
  pad_crop: (x) => T.pad(x!, [-1, 0, 1, -2]),
  max_pool2d: (x) => T.maxPool2d(x!, 2),
  avg_pool2d: (x) => T.avgPool2d(x!, 3, 2, 1),
  adaptive_avg_pool2d: (x) => T.adaptiveAvgPool2d(x!, 1),
  resize_bilinear: (x) => T.resizeBilinear(x!, [7, 9]),
  resize_bilinear_down: (x) => T.resizeBilinear(x!, [3, 3]),
  resize_nearest: (x) => T.resizeNearest(x!, [6, 6]),
  batch_norm_eval: (x, w, b) => T.batchNorm(x!, w!, b!, T.linspace(-1, 1, 3), T.linspace(0.5, 2, 3), false, 0.1, 1e-5),
  batch_norm_train: (x, w, b) => T.batchNorm(x!, w!, b!, null, null, true, 0.1, 1e-5),
  embedding: (w, i) => T.embedding(w!, i!),
  flip: (x) => T.flip(x!, [1, 2]),
  reshape: (x) => T.reshape(x!, [4, 6]),
  permute: (x) => T.permute(x!, [2, 0, 1]),
  transpose: (x) => T.transpose(x!, 0, 2),
  flatten: (x) => T.flatten(x!, 1),
  unsqueeze: (x) => T.unsqueeze(x!, 1),
  squeeze: (x) => T.squeeze(x!, 1),
  expand: (x) => T.expand(x!, [4, 3]),
  cat: (a, b) => T.cat([a!, b!], 1),
  stack: (a, b) => T.stack([a!, b!], 0),
  narrow: (x) => T.narrow(x!, 1, 1, 2),
  slice_step: (x) => T.slice(x!, 1, 1, 5, 2),
  select: (x) => T.select(x!, 0, 1),
  index_select: (x, i) => T.indexSelect(x!, 0, i!),
  gather: (x, i) => T.gather(x!, 1, i!),
  repeat: (x) => T.repeat(x!, [2, 3]),
  where: (a, b) => T.where(T.gt(a!, 0), a!, b!),
  mse_loss: (a, b) => T.mseLoss(a!, b!),
  l1_loss: (a, b) => T.l1Loss(a!, b!),
  bce_with_logits: (a, b) => T.bceWithLogits(a!, b!),
  cross_entropy: (a, i) => T.crossEntropy(a!, i!),
};

const fx = fixture('torch_ops.safetensors');
const fixtureCases = new Set(fx.keys().map((k) => k.slice(0, k.lastIndexOf('.'))));

test('every PyTorch fixture case has a TS case and vice versa', () => {
  assert.deepEqual([...fixtureCases].sort(), Object.keys(CASES).sort());
});

for (const [name, fn] of Object.entries(CASES)) {
  test(`op ${name} matches PyTorch (value and gradient)`, () => {
    T.tidy(() => {
      const inputs: X[] = [];
      for (let i = 0; fx.has(`${name}.in${i}`); i++) {
        const x = fx.get(`${name}.in${i}`).clone();
        if (T.isFloating(x.dtype)) x.requiresGrad = true;
        inputs.push(x);
      }
      const out = fn(...inputs);
      const outs = Array.isArray(out) ? out : [out];
      outs.forEach((o, i) => assertClose(o, fx.get(outs.length === 1 ? `${name}.out` : `${name}.out${i}`), { what: `${name} output` }));
      if (!fx.has(`${name}.gout`)) return;
      outs[0]!
        .mul(fx.get(`${name}.gout`))
        .sum()
        .backward();
      inputs.forEach((x, i) => {
        if (fx.has(`${name}.grad${i}`)) assertClose(x.grad!, fx.get(`${name}.grad${i}`), { what: `${name} grad of input ${i}` });
      });
    });
  });
}

test('the fast transposed convolution matches the PyTorch fixture too', () => {
  T.tidy(() => {
    const [x, w, b] = [0, 1, 2].map((i) => fx.get(`conv_transpose2d.in${i}`).clone().requiresGrad_());
    const y = convTranspose2d(x!, w!, b!, [2, 2], [2, 2], [1, 1]);
    assertClose(y, fx.get('conv_transpose2d.out'));
    y.mul(fx.get('conv_transpose2d.gout')).sum().backward();
    assertClose(w!.grad!, fx.get('conv_transpose2d.grad1'));
  });
});
