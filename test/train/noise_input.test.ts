// G's noise input (--noise-dim) and mode seeking over it (--noise-seeking): the input's layout,
// designs with zero noise by default, the loss on hand-made values, a run that trains, resumes
// bit-exactly and designs, and the settings' refusals.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { Designer } from '../../src/models/designer.js';
import { noiseModeSeekingLoss } from '../../src/models/noise_mode_seeking.js';
import { train } from '../../src/train/trainer.js';
import { openRun } from '../../src/run/trained_model.js';
import { RunDir } from '../../src/run/run_dir.js';
import { resolveConfig } from '../../src/train/config.js';
import { tmp } from '../data/fixtures.js';
import { TINY_MODEL, tinyConfig, tinyWorld } from './fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorld();
});

test("generatorInput: [z_q, theta_u, noise]; zeros when no noise is given; G's first layer is sized for it", () => {
  T.manualSeed(2);
  const model = new Designer({ ...TINY_MODEL, noiseDim: 5, users: 3, userCond: 'vector', targets: ['bottom'] });
  T.tidy(() => {
    const zq = T.rand([2, 8]),
      u = T.tensor([0, 2], { dtype: 'int64' });
    const plain = model.generatorInput(zq, u);
    assert.deepEqual(plain.shape, [2, 8 + 8 + 5]);
    assert.deepEqual(T.narrow(plain, 1, 16, 5).toArray(), new Array(10).fill(0));
    const z = model.drawNoise(2)!;
    assert.deepEqual(z.shape, [2, 5]);
    const noisy = model.generatorInput(zq, u, undefined, z);
    assert.ok(T.equal(T.narrow(noisy, 1, 16, 5), z));
    assert.ok(T.equal(T.narrow(noisy, 1, 0, 16), T.narrow(plain, 1, 0, 16)), 'the query and user parts are unchanged');
    const q = T.sub(T.mul(T.rand([2, 3, 64, 64]), 2), 1);
    assert.ok(T.equal(model.design(q, u, 'bottom'), model.design(q, u, 'bottom')), 'designing is deterministic (zero noise)');
  });
  const paper = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'] });
  assert.equal(paper.drawNoise(2), null);
  assert.deepEqual(
    T.tidy(() => paper.generatorInput(T.rand([2, 8]), T.tensor([0, 1], { dtype: 'int64' })).shape),
    [2, 16],
  );
  model.dispose();
  paper.dispose();
});

test('noiseModeSeekingLoss: 1 / (mean|d1 - d2| / mean|z1 - z2| + eps) per row, averaged', () => {
  T.tidy(() => {
    const d1 = T.zeros([2, 3, 2, 2]);
    const d2 = T.cat([T.full([1, 3, 2, 2], 0.5), T.full([1, 3, 2, 2], 0.1)], 0); // image distances 0.5, 0.1
    const z1 = T.zeros([2, 4]),
      z2 = T.full([2, 4], 1); // noise distance 1
    const l = noiseModeSeekingLoss(d1, d2, z1, z2).item();
    assert.ok(Math.abs(l - (1 / 0.5 + 1 / 0.1) / 2) < 1e-3, `${l}`);
  });
});

test('a run with --noise-dim and --noise-seeking trains (its term logged), resumes bit-exactly and designs', async () => {
  const dir = tmp('noise');
  const a = path.join(dir, 'straight'),
    b = path.join(dir, 'resumed');
  const config = (iterations: number) =>
    tinyConfig(world, { iterations, checkpointEvery: 2, task: 'top2bottom', noiseSeeking: 1, model: { ...TINY_MODEL, noiseDim: 4 } });
  await train(config(4), a);
  await train(config(2), b);
  await train(config(4), b, { resume: true });
  const losses = (d: string) => new RunDir(d).readMetrics().filter((r) => r.phase !== 'eval');
  assert.deepEqual(losses(b), losses(a), 'resume continues bit-exactly (the noise draws included)');
  const logged = losses(a).map((r) => r.L_G_noise_ms as number);
  assert.equal(logged.length, 4);
  for (const v of logged) assert.ok(Number.isFinite(v) && v > 0, `L_G_noise_ms ${v}`);
  const run = openRun(a);
  const model = run.model as Designer;
  assert.equal(model.noiseDim, 4, 'the snapshot keeps its noise input');
  T.tidy(() => {
    const d = model.design(T.sub(T.mul(T.rand([2, 3, 64, 64]), 2), 1), T.tensor([0, 1], { dtype: 'int64' }), 'bottom');
    assert.deepEqual(d.shape, [2, 3, 64, 64]);
  });
  run.dispose();
});

test('the noise settings: --noise-seeking needs --noise-dim; --noise-dim is an integer of the designer alone', () => {
  const data = { data: { path: '/nowhere' } };
  assert.equal(resolveConfig('cpu', data).model.noiseDim ?? 0, 0, 'off by default (the paper)');
  assert.throws(() => resolveConfig('cpu', { ...data, noiseSeeking: 1 }), /--noise-seeking needs --noise-dim > 0/);
  assert.throws(() => resolveConfig('cpu', { ...data, model: { noiseDim: 2.5 } }), /model\.noiseDim \(--noise-dim\) must be an integer/);
  assert.throws(() => resolveConfig('cpu', { ...data, method: 'pix2pix', model: { noiseDim: 8 } }), /--noise-dim: options of the designer/);
  assert.equal(resolveConfig('cpu', { ...data, noiseSeeking: 1, model: { noiseDim: 8 } }).model.noiseDim, 8);
});
