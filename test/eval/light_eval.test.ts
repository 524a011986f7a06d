// The light evaluation during training: learning-curve records in metrics.jsonl,
// no live tensors left behind, and the same training trajectory with and without it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { train } from '../../src/train/trainer.js';
import { buildDesigner } from '../../src/train/models.js';
import { RunDir } from '../../src/run/run_dir.js';
import { LightEvaluator } from '../../src/run/light_eval.js';
import { loadDataset, imageCacheDir } from '../../src/data/load.js';
import { loadSplitImages } from '../../src/data/cache.js';
import { tmp } from '../data/fixtures.js';
import { tinyConfig, tinyWorld } from '../train/fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorld();
});

test('light evaluation: records every evalEvery iterations, and the losses are those of a run without it', async () => {
  const dir = tmp('light');
  const withEval = path.join(dir, 'with'),
    without = path.join(dir, 'without');
  await train(tinyConfig(world, { iterations: 4, evalEvery: 2, evalQueries: 6 }), withEval);
  await train(tinyConfig(world, { iterations: 4, evalEvery: 0 }), without);
  const a = new RunDir(withEval).readMetrics(),
    b = new RunDir(without).readMetrics();
  const evals = a.filter((r) => r.phase === 'eval');
  assert.deepEqual(
    evals.map((r) => r.iteration),
    [0, 2, 4],
    'at the start, every 2 iterations and at the end',
  );
  for (const r of evals) {
    for (const k of [
      'eval_query_ssim',
      'eval_user_ssim',
      'eval_tv',
      'ref_tv_truth',
      'eval_auc_per_user',
      'eval_auc_kind1_per_user',
      'eval_seconds',
    ])
      assert.equal(typeof r[k], 'number', `${k} in ${JSON.stringify(r)}`);
  }
  const losses = (rs: Record<string, unknown>[]) =>
    rs.filter((r) => r.phase !== 'eval').map(({ iteration, L_FM, L_D, L_G }) => ({ iteration, L_FM, L_D, L_G }));
  assert.deepEqual(losses(a), losses(b), 'the evaluation does not change the training trajectory');
});

test('light evaluation leaves no live tensors behind and restores training mode', async () => {
  const config = tinyConfig(world);
  const dataset = loadDataset(config.data);
  const testImgs = await loadSplitImages(dataset, 'test', 64, imageCacheDir(config.data));
  const model = buildDesigner(config, dataset.users.length);
  const ev = new LightEvaluator({ test: testImgs, dataset, world: null, oracle: null, queries: 6, seed: 1, device: 'cpu' });
  await ev.evaluate(model); // the first call fixes the cases
  const before = T.liveTensors();
  const f = await ev.evaluate(model);
  assert.equal(T.liveTensors(), before);
  assert.ok(model.training, 'back in training mode');
  assert.ok(f.eval_query_ssim! > -1 && f.eval_query_ssim! <= 1);
  assert.ok(!('eval_compat' in f), 'no oracle figures without a world and its classifier');
  model.dispose();
  testImgs.dispose();
});
