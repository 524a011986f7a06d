// The moving average of G's weights (--g-average): updated after each iteration, saved and
// resumed with the run, its BatchNorm statistics recomputed for it, and the G that designs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { Designer } from '../../src/models/designer.js';
import { updateAverages, recalibrateAverages, recalibrationSet } from '../../src/train/generator_average.js';
import { train } from '../../src/train/trainer.js';
import { openRun } from '../../src/run/trained_model.js';
import { RunDir } from '../../src/run/run_dir.js';
import { loadSplitImages } from '../../src/data/cache.js';
import { loadDataset, imageCacheDir } from '../../src/data/load.js';
import { resolveConfig } from '../../src/train/config.js';
import { tmp } from '../data/fixtures.js';
import { TINY_MODEL, tinyConfig, tinyWorld } from './fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorld();
});

const values = (t: T.Tensor) => Array.from(t.toArray() as Iterable<number>);

test('updateAverages: avg <- decay * avg + (1 - decay) * G; the average starts as a copy of G and is never a parameter of an optimizer step', () => {
  T.manualSeed(1);
  const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'], averageGenerators: true });
  const [g, avg] = [model.generator('bottom').parameters()[0]!, model.averagedGenerators.get('bottom')!.parameters()[0]!];
  assert.deepEqual(values(avg), values(g), 'a copy at the start');
  const before = values(avg);
  T.noGrad(() => T.add_(g, 1));
  updateAverages(model, 0.75);
  const got = values(avg),
    now = values(g);
  got.forEach((v, i) => assert.ok(Math.abs(v - (0.75 * before[i]! + 0.25 * now[i]!)) < 1e-6, `${v}`));
  assert.throws(
    () => new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'], averageGenerators: true, colourModes: 3 }),
    /not built for colour modes/,
  );
  assert.throws(
    () => resolveConfig('cpu', { data: { path: 'x' }, gAverage: 0.99, method: 'pix2pix' }),
    /--g-average is an option of the designer/,
  );
  model.dispose();
});

test('a run with --g-average saves and resumes the average bit-exactly, and its snapshot designs with it', async () => {
  const dir = tmp('average');
  const a = path.join(dir, 'straight'),
    b = path.join(dir, 'resumed');
  const config = (iterations: number) => tinyConfig(world, { iterations, gAverage: 0.9, checkpointEvery: 2, task: 'top2bottom' });
  await train(config(4), a);
  await train(config(2), b);
  await train(config(4), b, { resume: true });
  const losses = (d: string) => new RunDir(d).readMetrics().filter((r) => r.phase !== 'eval');
  assert.deepEqual(losses(b), losses(a), 'resume continues bit-exactly');
  const [ta, tb] = [openRun(a), openRun(b)];
  const model = ta.model as Designer;
  const sa = model.stateDict(),
    sb = (tb.model as Designer).stateDict();
  for (const [k, v] of sa) if (k.startsWith('gen_avg_')) assert.deepEqual(values(v), values(sb.get(k)!), k);
  assert.notDeepEqual(values(sa.get('gen_avg_bottom.fc.weight')!), values(sa.get('gen_bottom.fc.weight')!), 'the average lags G');
  // design() draws with the averaged G (in eval mode, with its own statistics).
  T.tidy(() => {
    const q = T.sub(T.mul(T.rand([2, 3, 64, 64]), 2), 1),
      u = T.tensor([0, 1], { dtype: 'int64' });
    const designed = model.design(q, u, 'bottom');
    const by = (g: typeof model.generators extends Map<unknown, infer D> ? D : never) =>
      T.toDtype(
        T.noGrad(() => model.autocast(() => g.forward(model.generatorInput(model.encoder.forward(model.images(q)), u)))),
        'float32',
      );
    const byAverage = by(model.averagedGenerators.get('bottom')!);
    assert.ok(T.max(T.abs(T.sub(designed, byAverage))).item() < 1e-6, 'the averaged G designs');
    const byG = by(model.generator('bottom'));
    assert.ok(T.max(T.abs(T.sub(designed, byG))).item() > 1e-4, 'not the raw G');
  });
  ta.dispose();
  tb.dispose();
});

test("recalibration: the averaged G's BatchNorm statistics are recomputed for its weights, the same each time, and leave G alone", async () => {
  const c = tinyConfig(world, { gAverage: 0.9, task: 'top2bottom' });
  const d = loadDataset(c.data);
  const trainImgs = await loadSplitImages(d, 'train', 64, imageCacheDir(c.data));
  T.manualSeed(1);
  const model = new Designer({ ...TINY_MODEL, users: d.users.length, userCond: 'vector', targets: ['bottom'], averageGenerators: true });
  const set = recalibrationSet(model, trainImgs, 1, 3, 16);
  const stats = () => values(model.averagedGenerators.get('bottom')!.fcNorm.runningMean!);
  const gStats = values(model.generator('bottom').fcNorm.runningMean!);
  const live = T.liveTensors();
  recalibrateAverages(model, set);
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
  const first = stats();
  assert.ok(
    first.some((v) => v !== 0),
    'statistics of the averaged weights, not the fresh zeros',
  );
  recalibrateAverages(model, set);
  assert.deepEqual(stats(), first, 'the same inputs give the same statistics');
  assert.deepEqual(values(model.generator('bottom').fcNorm.runningMean!), gStats, "G's own statistics are untouched");
  assert.equal(model.averagedGenerators.get('bottom')!.fcNorm.momentum, 0.1, 'the momentum is restored');
  set.dispose();
  trainImgs.dispose();
  model.dispose();
});
