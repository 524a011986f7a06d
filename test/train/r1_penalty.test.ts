// The R1 term: the penalty's value and gradient on a hand-made score, and its lazy extra update
// of D inside Algorithm 1 (only on every k-th iteration, nothing but D moved, no leaks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import type * as nn from '../../src/nn/index.js';
import { Designer } from '../../src/models/designer.js';
import { algorithm1Step } from '../../src/train/algorithm1.js';
import { makeOptimizers } from '../../src/train/optimizers.js';
import { DEFAULT_STEP, resolveConfig } from '../../src/train/config.js';
import { r1Penalty } from '../../src/train/terms/r1_penalty.js';
import { TINY_MODEL } from './fixtures.js';

test('r1Penalty: a linear score w.x has gradient w at every x, so the penalty is ||w||^2 and its gradient 2w', () => {
  T.tidy(() => {
    const w = T.tensor([0.5, -1, 2, 0.25], { requiresGrad: true });
    const score = (x: T.Tensor) => T.sum(T.mul(x, T.reshape(w, [1, 1, 2, 2])), [1, 2, 3]); // [B]
    const real = T.rand([3, 1, 2, 2]);
    const p = r1Penalty(score, real);
    assert.ok(Math.abs(p.item() - (0.25 + 1 + 4 + 0.0625)) < 1e-6, `penalty ${p.item()}`);
    assert.equal(real.requiresGrad, false, 'the real batch itself is not turned into a leaf');
    p.backward();
    assert.deepEqual(w.grad!.toArray(), [1, -2, 4, 0.5]);
  });
});

test('the R1 term: one more D update on iterations 0, k, 2k, ... (L_D_r1 logged), none between; only D moves; no leaks', () => {
  T.manualSeed(7);
  const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'] });
  const opt = makeOptimizers(model, { lr: 1e-3, betas: [0.5, 0.999] });
  const img = () => T.keep(T.sub(T.mul(T.rand([4, 3, 64, 64]), 2), 1));
  const b = {
    target: 'bottom' as const,
    users: T.keep(T.tensor([0, 1, 2, 0], { dtype: 'int64' })),
    query: img(),
    positive: img(),
    negQuery: img(),
    negComplement: img(),
  };
  const dOpt = opt.disc.get('bottom')!;
  let dSteps = 0;
  const real = dOpt.step.bind(dOpt);
  (dOpt as nn.Optimizer).step = () => {
    dSteps++;
    real();
  };
  const o = { ...DEFAULT_STEP, r1Gamma: 10, r1Every: 3 };
  const logged: boolean[] = [];
  const steps: number[] = [];
  let live = 0;
  for (let it = 0; it < 7; it++) {
    dSteps = 0;
    const l = algorithm1Step(model, opt, b, o, undefined, it);
    logged.push(l.L_D_r1 !== undefined);
    steps.push(dSteps);
    if (l.L_D_r1 !== undefined) assert.ok(Number.isFinite(l.L_D_r1) && l.L_D_r1 > 0, `L_D_r1 ${l.L_D_r1}`);
    if (it === 4) live = T.liveTensors();
  }
  assert.deepEqual(logged, [true, false, false, true, false, false, true]);
  assert.deepEqual(
    steps,
    logged.map((r) => DEFAULT_STEP.nD + (r ? 1 : 0)),
  );
  assert.equal(T.liveTensors(), live, 'an R1 iteration leaves no live tensors behind');
  const without = algorithm1Step(model, opt, b, DEFAULT_STEP, undefined, 0);
  assert.equal(without.L_D_r1, undefined, 'off by default (the paper)');
  T.dispose(Object.values(b).filter((x) => x instanceof T.Tensor));
  model.dispose();
});

test('the R1 settings: off by default; --r1-every alone is refused by name', () => {
  const data = { data: { path: '/nowhere' } };
  assert.equal(resolveConfig('cpu', data).r1Gamma, 0);
  assert.equal(resolveConfig('cpu', { ...data, r1Gamma: 1, r1Every: 4 }).r1Every, 4);
  assert.throws(() => resolveConfig('cpu', { ...data, r1Every: 4 }), /--r1-every needs --r1 > 0/);
  assert.throws(() => resolveConfig('cpu', { ...data, r1Gamma: -1 }), /r1Gamma must be a non-negative number/);
});
