// The training loop: run folder contents, bit-exact resume, clean interrupt,
// divergence stop, and `pfd design` / `pfd train` on a checkpoint trained here.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import * as T from '../../src/torch/index.js';
import { train, buildDesigner, TrainingDivergedError, lrFactor } from '../../src/train/trainer.js';
import { RunDir } from '../../src/train/run_dir.js';
import { resolveConfig } from '../../src/train/config.js';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';
import { quietly } from '../helpers.js';
import { tinyConfig, tinyWorld, TINY_MODEL } from './fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorld();
});


function weights(file: string): Map<string, T.Tensor> {
  const { tensors } = T.loadTensors(file);
  for (const t of tensors.values()) T.keep(t);
  return tensors;
}

test('a run folder: frozen config, a metrics line per iteration, checkpoints, samples, serving snapshot', async () => {
  const dir = path.join(tmp('run'), 'r');
  const config = tinyConfig(world);
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.model.encoder));
  const r = await train(config, dir);
  assert.equal(r.stopped, 'done');
  assert.equal(r.iteration, 4);
  const run = new RunDir(dir);
  assert.deepEqual(run.readConfig(), JSON.parse(JSON.stringify(config)));
  const m = run.readMetrics();
  assert.deepEqual(m.map((x) => x.iteration), [1, 2, 3, 4]);
  const byTarget = m[0]!.by_target as unknown as Record<string, Record<string, number>>;
  assert.deepEqual(Object.keys(byTarget), ['bottom', 'top'], 'task both trains both designers every iteration');
  assert.ok(Number.isFinite(byTarget.top!.L_D!) && Number.isFinite(byTarget.bottom!.L_G!));
  for (const k of ['L_FM', 'L_D', 'L_G', 'L_G_adv', 'L_G_FM', 's_pos', 's_neg']) assert.ok(Number.isFinite(m[3]![k]), k);
  assert.deepEqual(readdirSync(run.checkpoints).sort(), ['iter-0000002', 'iter-0000004', 'latest']);
  assert.deepEqual(readdirSync(path.join(run.checkpoints, 'iter-0000004')).sort(),
    ['model.safetensors', 'optim-compat.safetensors', 'optim-disc_bottom.safetensors', 'optim-disc_top.safetensors', 'optim-gen_bottom.safetensors', 'optim-gen_top.safetensors', 'trainer.json']);
  const sample = path.join(run.samples, 'iter-0000004-bottom.png');
  const meta = await sharp(sample).metadata();
  assert.equal(meta.width, 3 * 64 + 4 * 2, 'query + 2 users');
  assert.equal(meta.height, 2 * 64 + 3 * 2, '2 queries');
  assert.ok(existsSync(run.model));
  await assert.rejects(train(config, dir), /already holds files: resume it with --resume/);
});

test('compatibility warm-up: the first iterations train F, M, theta_u alone; G and D start after', async () => {
  const dir = path.join(tmp('run'), 'warm');
  await train(tinyConfig(world, { compatWarmup: 2, iterations: 2, checkpointEvery: 2 }), dir);
  const run = new RunDir(dir);
  const m = run.readMetrics() as unknown as Record<string, unknown>[];
  assert.deepEqual(m.map((x) => x.phase), ['compat-warmup', 'compat-warmup', 'algorithm1', 'algorithm1']);
  assert.ok(Number.isFinite(m[0]!.L_FM as number) && m[0]!.L_D === undefined, 'warm-up lines carry L_FM only');
  assert.ok(Number.isFinite(m[2]!.L_D as number));
  // After the warm-up (checkpoint at iteration 2) G and D are exactly at their initialization; F is not.
  const config = tinyConfig(world, { compatWarmup: 2, iterations: 2, checkpointEvery: 2 });
  const init = buildDesigner(config, 4);
  const w2 = weights(path.join(dir, 'checkpoints', 'iter-0000002', 'model.safetensors'));
  let encoderMoved = false;
  for (const [k, v] of init.stateDict()) {
    if (k.startsWith('gen_') || k.startsWith('disc_')) assert.ok(T.equal(v, w2.get(k)!), `${k} moved during the warm-up`);
    if (k.startsWith('encoder.') && k.endsWith('weight') && !T.equal(v, w2.get(k)!)) encoderMoved = true;
  }
  assert.ok(encoderMoved, 'the warm-up trains F');
  assert.deepEqual(readdirSync(run.samples).filter((f) => f.startsWith('iter-0000002')), [], 'no sample grids during warm-up');
  T.dispose([...w2.values()]);
  init.dispose();
});

test('resume is bit-exact: 2 + 2 iterations log the same losses and end in the same weights as 4', async () => {
  const a = path.join(tmp('run'), 'a'), b = path.join(tmp('run'), 'b');
  await train(tinyConfig(world, { iterations: 4 }), a);
  await train(tinyConfig(world, { iterations: 2 }), b);
  // An interrupted run may have logged past its checkpoint: resume cuts that off.
  new RunDir(b).appendMetrics({ iteration: 3, junk: 1 });
  await train(tinyConfig(world, { iterations: 4 }), b, { resume: true });
  const ma = new RunDir(a).readMetrics(), mb = new RunDir(b).readMetrics();
  assert.deepEqual(mb, ma);
  const wa = weights(path.join(a, 'checkpoints', 'iter-0000004', 'model.safetensors'));
  const wb = weights(path.join(b, 'checkpoints', 'iter-0000004', 'model.safetensors'));
  for (const [k, t] of wa) assert.ok(T.equal(t, wb.get(k)!), `${k} differs after resume`);
  T.dispose([...wa.values(), ...wb.values()]);
});

test('--lr-decay: D\'s and G\'s learning rates fall linearly over the last share of the run (step (a) keeps its own), and resume on schedule', async () => {
  assert.deepEqual([0, 5, 9].map((i) => lrFactor(i, 10, 0)), [1, 1, 1]);
  // The last 4 of 10 iterations (6..9) decay: 1 - (i - 6) / 5.
  assert.deepEqual([0, 5, 6, 7, 9].map((i) => +lrFactor(i, 10, 0.4).toFixed(6)), [1, 1, 1, 0.8, 0.4]);
  const lrOf = (dir: string, it: number, set: string) =>
    (JSON.parse(T.readSafetensorsMetadata(path.join(dir, 'checkpoints', `iter-000000${it}`, `optim-${set}.safetensors`)).scalars!) as { lr: number }).lr;
  const a = path.join(tmp('run'), 'decay'), b = path.join(tmp('run'), 'decay-resumed');
  await train(tinyConfig(world, { iterations: 4, lrDecay: 0.5, lr: 1e-3 }), a);
  // Iterations 0..3, decay over 2..3: the last update ran at 1e-3 x (1 - 1/3).
  for (const set of ['gen_bottom', 'disc_bottom', 'gen_top']) assert.ok(Math.abs(lrOf(a, 4, set) - 1e-3 * (2 / 3)) < 1e-12, `${set}: lr ${lrOf(a, 4, set)}`);
  assert.equal(lrOf(a, 4, 'compat'), 1e-3);
  await train(tinyConfig(world, { iterations: 2, lrDecay: 0.5, lr: 1e-3 }), b);
  await train(tinyConfig(world, { iterations: 4, lrDecay: 0.5, lr: 1e-3 }), b, { resume: true });
  assert.deepEqual(new RunDir(b).readMetrics(), new RunDir(a).readMetrics());
});

test('an abort (Ctrl-C) writes a checkpoint and stops cleanly; the run resumes from it', async () => {
  const dir = path.join(tmp('run'), 'i');
  const controller = new AbortController();
  const r = await train(tinyConfig(world, { iterations: 10, checkpointEvery: 100 }), dir, {
    signal: controller.signal, events: { onStep: (i) => { if (i === 3) controller.abort(); } },
  });
  assert.equal(r.stopped, 'interrupted');
  assert.equal(r.iteration, 3);
  const run = new RunDir(dir);
  assert.equal(path.basename(run.latestCheckpoint()!), 'iter-0000003');
  const r2 = await train(tinyConfig(world, { iterations: 5, checkpointEvery: 100 }), dir, { resume: true });
  assert.equal(r2.iteration, 5);
  assert.deepEqual(run.readMetrics().map((x) => x.iteration), [1, 2, 3, 4, 5]);
});

test('an exploding loss stops the run with a clear message and keeps the last good checkpoint', async () => {
  const dir = path.join(tmp('run'), 'nan');
  await train(tinyConfig(world, { iterations: 2 }), dir);
  // lambda2 = 1e9 makes L_D explode on the next iteration.
  const exploding = tinyConfig(world, { iterations: 4, lambda2: 1e9 });
  const run = new RunDir(dir);
  T.writeFileAtomic(run.config, new TextEncoder().encode(JSON.stringify(exploding)));
  await assert.rejects(train(exploding, dir, { resume: true }), (e: Error) => {
    assert.ok(e instanceof TrainingDivergedError);
    assert.match(e.message, /training diverged at iteration 3: L_D = [0-9.e+]+ .*last good checkpoint is .*iter-0000002/);
    return true;
  });
  assert.equal(path.basename(run.latestCheckpoint()!), 'iter-0000002');
});

test('resolveConfig: presets, overrides in order, validation with the key named', () => {
  const paper = resolveConfig('paper');
  assert.equal(paper.batchSize, 64);
  assert.equal(paper.lr, 2e-4);
  assert.equal(paper.nD, 2);
  assert.equal(paper.l2, 1e-6);
  assert.deepEqual([paper.lambda1, paper.lambda2, paper.lambda3], [1, 1, 1]);
  assert.deepEqual(paper.model.encoder.fc, [1024, 512]);
  assert.equal(paper.genCompatScale, 'none', 'the paper preset keeps Eq. 11 as printed');
  assert.equal(resolveConfig('cpu').genCompatScale, 'positive-std');
  assert.throws(() => resolveConfig('cpu', { genCompatScale: 'z' as 'none' }), /genCompatScale must be one of none, positive-std/);
  assert.equal(resolveConfig('cpu', { lr: 1e-3 }, { lr: 5e-4 }).lr, 5e-4);
  assert.equal(resolveConfig('cpu', { model: { metricHidden: [32] } }).model.metricHidden[0], 32);
  assert.throws(() => resolveConfig('gpu'), /unknown preset 'gpu'/);
  assert.throws(() => resolveConfig('cpu', { batchSize: 0 }), /batchSize must be a positive integer/);
  assert.throws(() => resolveConfig('cpu', { userCond: 'x' as 'none' }), /userCond must be one of/);
  assert.throws(() => resolveConfig('cpu', { lerningRate: 1 } as object), /unknown config key 'lerningRate'/);
  assert.throws(() => resolveConfig('cpu', { model: { ...TINY_MODEL, encoder: { ...TINY_MODEL.encoder, imageSize: 32 } } }), /64x64/);
});

test('pfd train and pfd design from the command line, with clear errors', async () => {
  const dir = path.join(tmp('run'), 'cli');
  const cfg = path.join(tmp('cfg'), 'config.json');
  T.writeFileAtomic(cfg, new TextEncoder().encode(JSON.stringify({ model: TINY_MODEL, sampleQueries: 2, sampleUsers: 2 })));
  const t = await quietly(() => main(['train', '--data', world, '--config', cfg, '--out', dir, '--batch', '4', '--iterations', '2', '--compat-warmup', '0', '--task', 'top2bottom', '--user-cond', 'label']));
  assert.equal(t.result, 0, t.err);
  assert.match(t.out, /finished at iteration 2\/2/);
  const resumed = await quietly(() => main(['train', '--resume', dir, '--iterations', '3']));
  assert.equal(resumed.result, 0, resumed.err);
  const records = new RunDir(dir).readMetrics();
  assert.deepEqual(records.filter((r) => r.phase !== 'eval').map((r) => r.iteration), [1, 2, 3], 'a metrics line per iteration');
  assert.deepEqual(records.filter((r) => r.phase === 'eval').map((r) => r.iteration), [0, 2, 3], 'light evaluations at the start and at each end, kept across the resume');
  assert.equal((await quietly(() => main(['train', '--resume', dir, '--lr', '1']))).result, 2, 'config flags cannot change a resumed run');
  assert.equal((await quietly(() => main(['train', '--data', world, '--batch', 'x']))).result, 2);
  assert.equal((await quietly(() => main(['train', '--data', world, '--user-cond', 'labels']))).result, 2);

  const out = path.join(tmp('design'), 'd.png');
  const d1 = await quietly(() => main(['design', '--run', dir, '--query', 't000003', '--user', 'u0001', '--out', out]));
  assert.equal(d1.result, 0, d1.err);
  assert.match(d1.out, /designed a bottom for user u0001/);
  const m1 = await sharp(out).metadata();
  assert.deepEqual([m1.width, m1.height], [64, 64]);
  const grid = path.join(tmp('design'), 'g.png');
  const d2 = await quietly(() => main(['design', '--run', dir, '--query', path.join(world, 'images', 't000003.png'), '--users', 'all', '--out', grid, '--scale', '2']));
  assert.equal(d2.result, 0, d2.err);
  const m2 = await sharp(grid).metadata();
  assert.deepEqual([m2.width, m2.height], [2 * (5 * 64 + 6 * 2), 2 * (64 + 4)], 'query + 4 users, scaled 2x');
  const bad = async (args: string[], re: RegExp) => {
    const r = await quietly(() => main(['design', ...args]));
    assert.notEqual(r.result, 0);
    assert.match(r.err, re);
  };
  await bad(['--run', dir, '--query', 't000003', '--user', 'nobody'], /unknown user 'nobody'/);
  await bad(['--run', path.join(dir, 'nope'), '--query', 't000003', '--user', 'u0001'], /run '.*nope' not found/);
  await bad(['--run', dir, '--query', 'b000003', '--user', 'u0001'], /designs bottoms only, so its query must be a top/);
  await bad(['--run', dir, '--query', 'zzz', '--user', 'u0001'], /neither an image file nor an item/);
  const corrupt = path.join(tmp('design'), 'corrupt.png');
  T.writeFileAtomic(corrupt, new TextEncoder().encode('not a png'));
  await bad(['--run', dir, '--query', corrupt, '--user', 'u0001'], /corrupt\.png: cannot decode image/);
  assert.ok(readFileSync(path.join(dir, 'config.json')).length > 0);
});
