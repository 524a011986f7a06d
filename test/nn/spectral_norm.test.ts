// Spectral normalization: after the power iterations of a few training forwards, the normalized
// weight's largest singular value is 1; eval mode reads u without moving it; a spectral D has no BatchNorm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';
import { RealFakeDiscriminator } from '../../src/models/real_fake_discriminator.js';

/** The largest singular value of a [m, n] matrix by 200 power iterations on W^T W. */
function sigmaMax(W: T.Tensor): number {
  return T.tidy(() => {
    let v = T.ones([W.size(1)]);
    for (let i = 0; i < 200; i++)
      v = T.div(T.matmul(T.transpose(W, 0, 1), T.matmul(W, v)), T.norm(T.matmul(T.transpose(W, 0, 1), T.matmul(W, v))));
    return T.norm(T.matmul(W, v)).item();
  });
}

test('spectral norm: the normalized weight has spectral norm 1 once u has converged; eval mode does not move u', () => {
  T.manualSeed(3);
  for (const layer of [new nn.Linear(12, 7), new nn.Conv2d(3, 5, 3, { padding: 1 })]) {
    const sn = new nn.SpectralNorm(layer);
    const x = layer instanceof nn.Linear ? T.randn([4, 12]) : T.randn([2, 3, 8, 8]);
    for (let i = 0; i < 30; i++)
      T.tidy(() => {
        sn.forward(x);
      });
    const w = T.tidy(() => T.keep(T.noGrad(() => sn.normalizedWeight())));
    const s = sigmaMax(T.reshape(w, [w.size(0), -1]));
    assert.ok(Math.abs(s - 1) < 1e-3, `sigma of the normalized weight ${s}`);
    assert.ok(Math.abs(sigmaMax(T.reshape(layer.weight, [layer.weight.size(0), -1])) - 1) > 0.05, 'the raw weight is not normalized');
    sn.eval();
    const u = Array.from(sn.u.toArray() as number[]);
    T.tidy(() => {
      sn.forward(x);
    });
    assert.deepEqual(Array.from(sn.u.toArray() as number[]), u, 'eval mode reads u');
    // Gradient reaches the raw weight through W / sigma, also through two training forwards in one
    // loss (D on real and designed images), the second of which updates u in place.
    sn.train();
    T.tidy(() => T.add(T.sum(sn.forward(x)), T.sum(sn.forward(x))).backward());
    assert.ok(layer.weight.grad !== null);
    T.dispose([w, x]);
    sn.dispose();
  }
});

test('a spectrally normalized D: every conv and fc wrapped, no BatchNorm, the same score shape', () => {
  const d = new RealFakeDiscriminator({ imageSize: 64, imageChannels: 3, channels: [4, 8, 8, 8], kernel: 5, hidden: 8, norm: 'spectral' });
  const mods = d.namedModules().map(([, m]) => m);
  assert.equal(mods.filter((m) => m instanceof nn.BatchNorm2d).length, 0);
  assert.equal(mods.filter((m) => m instanceof nn.SpectralNorm).length, 6, '4 convs and 2 fc layers');
  T.tidy(() => assert.deepEqual(d.forward(T.randn([3, 3, 64, 64])).shape, [3]));
  d.dispose();
});
