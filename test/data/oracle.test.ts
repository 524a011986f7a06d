// The oracle classifier: >= 95% per attribute on held-out renders, and a
// written world's images read back as the attributes its ground truth says.
// Trains the real default classifier (about 3 minutes on 2 cores).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { ensureClassifier, classifierPath } from '../../src/data/world/oracle_classifier_cache.js';
import { loadClassifier } from '../../src/data/world/classifier.js';
import { makeWorld, WORLD_PRESETS } from '../../src/data/world/world.js';
import { writeWorld } from '../../src/data/world/write.js';
import { verifyRenders } from '../../src/data/world/verify.js';
import { loadImageBytes, bytesToUnit } from '../../src/data/images.js';
import { tmp } from './fixtures.js';

process.env.PFD_CACHE = tmp('cache');

test('the oracle classifier reads every attribute off held-out renders at >= 95%, and off a written world', async () => {
  const { model, report, trained, file } = await ensureClassifier(64);
  assert.equal(trained, true);
  assert.equal(file, classifierPath(64));
  for (const [attr, acc] of Object.entries(report.accuracy)) assert.ok(acc >= 0.95, `${attr} accuracy ${acc}`);

  const world = makeWorld({ ...WORLD_PRESETS.demo, users: 3, tops: 60, bottoms: 60, pool: 30, trainPerUser: 10, testPerUser: 2 });
  const dir = tmp('world');
  await writeWorld(world, dir);
  const agreement = await verifyRenders(world, dir, model);
  assert.equal(agreement.items, 120);
  for (const k of ['silhouette', 'category', 'colour', 'pattern', 'secondary'] as const) assert.ok(agreement[k] >= 0.95, `${k} agreement ${agreement[k]}`);

  // The saved checkpoint predicts exactly what the trained model does, and is reused.
  const again = await ensureClassifier(64);
  assert.equal(again.trained, false);
  const item = world.items[0]!;
  const x = bytesToUnit(T.tensor(await loadImageBytes(path.join(dir, 'images', `${item.id}.png`), 64), { dtype: 'uint8', shape: [1, 3, 64, 64] }));
  assert.deepEqual(again.model.classify(x), model.classify(x));
  assert.equal(model.classify(x)[0]!.silhouette, item.silhouette);
  assert.throws(() => loadClassifier(path.join(dir, 'missing.safetensors')), /cannot read: ENOENT/);
  x.dispose();
  model.dispose();
  again.model.dispose();
});
