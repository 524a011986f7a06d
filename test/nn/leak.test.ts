// A full GAN training step (forward, backward, Adam on two disjoint sets,
// BatchNorm statistics) leaves the number of live tensors unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';

test('live tensors are unchanged after each training step', () => {
  T.manualSeed(5);
  const G = new nn.Sequential(
    new nn.Linear(8, 16 * 4 * 4),
    new nn.Unflatten([16, 4, 4]),
    new nn.ConvTranspose2d(16, 8, 5, { stride: 2, padding: 2, outputPadding: 1 }),
    new nn.BatchNorm2d(8),
    new nn.LeakyReLU(0.2),
    new nn.ConvTranspose2d(8, 3, 5, { stride: 2, padding: 2, outputPadding: 1 }),
    new nn.Tanh(),
  );
  const D = new nn.Sequential(
    new nn.Conv2d(3, 8, 5, { stride: 2, padding: 2 }),
    new nn.LeakyReLU(0.2),
    new nn.Conv2d(8, 16, 5, { stride: 2, padding: 2 }),
    new nn.BatchNorm2d(16),
    new nn.LeakyReLU(0.2),
    new nn.Flatten(),
    new nn.Linear(16 * 4 * 4, 1),
  );
  const optG = new nn.Adam(G.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
  const optD = new nn.Adam(D.parameters(), { lr: 2e-4, betas: [0.5, 0.999] });
  const real = T.keep(T.randn([4, 3, 16, 16]));
  const step = () => {
    T.tidy(() => {
      optD.zeroGrad();
      const fake = T.noGrad(() => G.forward(T.randn([4, 8])));
      const lossD = T.add(T.mean(T.square(T.sub(D.forward(real), 1))), T.mean(T.square(D.forward(fake))));
      lossD.backward();
      optD.step();
    });
    T.tidy(() => {
      optG.zeroGrad();
      const lossG = T.mean(T.square(T.sub(D.forward(G.forward(T.randn([4, 8]))), 1)));
      lossG.backward();
      optG.step();
      D.zeroGrad(); // G's loss also reached D's parameters
    });
  };
  step(); // the first step creates Adam's moment tensors
  const before = T.liveTensors();
  for (let i = 0; i < 5; i++) {
    step();
    assert.equal(T.liveTensors(), before, `step ${i + 2}`);
  }
  G.dispose();
  D.dispose();
});
