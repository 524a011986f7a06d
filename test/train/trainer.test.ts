// The training loop: run folder contents, bit-exact resume, clean interrupt,
// divergence stop, and `pfd design` / `pfd train` on a checkpoint trained here.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import * as T from '../../src/torch/index.js';
import { train, TrainingDivergedError, lrFactor } from '../../src/train/trainer.js';
import { buildDesigner } from '../../src/train/models.js';
import { RunDir } from '../../src/run/run_dir.js';
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
  assert.deepEqual(
    m.map((x) => x.iteration),
    [1, 2, 3, 4],
  );
  const byTarget = m[0]!.by_target as unknown as Record<string, Record<string, number>>;
  assert.deepEqual(Object.keys(byTarget), ['bottom', 'top'], 'task both trains both designers every iteration');
  assert.ok(Number.isFinite(byTarget.top!.L_D!) && Number.isFinite(byTarget.bottom!.L_G!));
  for (const k of ['L_FM', 'L_D', 'L_G', 'L_G_adv', 'L_G_FM', 's_pos', 's_neg']) assert.ok(Number.isFinite(m[3]![k]), k);
  assert.deepEqual(readdirSync(run.checkpoints).sort(), ['iter-0000002', 'iter-0000004', 'latest']);
  assert.deepEqual(readdirSync(path.join(run.checkpoints, 'iter-0000004')).sort(), [
    'model.safetensors',
    'optim-compat.safetensors',
    'optim-disc_bottom.safetensors',
    'optim-disc_top.safetensors',
    'optim-gen_bottom.safetensors',
    'optim-gen_top.safetensors',
    'trainer.json',
  ]);
  const sample = path.join(run.samples, 'iter-0000004-bottom.png');
  const meta = await sharp(sample).metadata();
  assert.equal(meta.width, 3 * 64 + 4 * 2, 'query + 2 users');
  assert.equal(meta.height, 2 * 64 + 3 * 2, '2 queries');
  assert.ok(existsSync(run.model));
  await assert.rejects(train(config, dir), /already holds files: resume it with --resume/);
});

test('config: unknown keys and other image sizes are refused', () => {
  assert.throws(() => resolveConfig('cpu', { lerningRate: 1 } as object), /unknown config key 'lerningRate'/);
  assert.throws(
    () => resolveConfig('cpu', { model: { ...TINY_MODEL, encoder: { ...TINY_MODEL.encoder, imageSize: 32 } } }),
    /built for 64 or 128 pixel images/,
  );
});

test('pfd train and pfd design from the command line, with clear errors', async () => {
  const dir = path.join(tmp('run'), 'cli');
  const cfg = path.join(tmp('cfg'), 'config.json');
  T.writeFileAtomic(cfg, new TextEncoder().encode(JSON.stringify({ model: TINY_MODEL, sampleQueries: 2, sampleUsers: 2 })));
  const t = await quietly(() =>
    main([
      'train',
      '--data',
      world,
      '--config',
      cfg,
      '--out',
      dir,
      '--batch',
      '4',
      '--iterations',
      '2',
      '--task',
      'top2bottom',
      '--user-cond',
      'label',
    ]),
  );
  assert.equal(t.result, 0, t.err);
  assert.match(t.out, /finished at iteration 2\/2/);
  const resumed = await quietly(() => main(['train', '--resume', dir, '--iterations', '3']));
  assert.equal(resumed.result, 0, resumed.err);
  const records = new RunDir(dir).readMetrics();
  assert.deepEqual(
    records.filter((r) => r.phase !== 'eval').map((r) => r.iteration),
    [1, 2, 3],
    'a metrics line per iteration',
  );
  assert.deepEqual(
    records.filter((r) => r.phase === 'eval').map((r) => r.iteration),
    [0, 2, 3],
    'light evaluations at the start and at each end, kept across the resume',
  );
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
  const d2 = await quietly(() =>
    main(['design', '--run', dir, '--query', path.join(world, 'images', 't000003.png'), '--users', 'all', '--out', grid, '--scale', '2']),
  );
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
