// M's pick figures (oracle_m_pick): the oracle's figures of the test item the
// compatibility model ranks first for each case, checked against picks made one
// pair at a time; no tensor left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { buildDesigner } from '../../src/train/models.js';
import { loadDataset, imageCacheDir } from '../../src/data/load.js';
import { loadSplitImages, splitItemBytes } from '../../src/data/cache.js';
import { bytesToUnit } from '../../src/data/images.js';
import { loadWorldGroundTruth } from '../../src/data/world/ground_truth.js';
import { WorldOracle } from '../../src/data/world/world.js';
import { evalCases } from '../../src/eval/designs.js';
import { classifyAll, oracleFigures } from '../../src/eval/oracle_metrics.js';
import { mPickFigures } from '../../src/eval/m_pick_figures.js';
import { tinyConfig, tinyWorldWithOracle } from '../train/fixtures.js';

test('mPickFigures: the oracle figures of argmax_c s_u(q, c) over the test items, for the own user, the other user and the other query', async () => {
  const dir = await tinyWorldWithOracle();
  const config = tinyConfig(dir);
  const dataset = loadDataset(config.data);
  const testImgs = await loadSplitImages(dataset, 'test', 64, imageCacheDir(config.data));
  T.manualSeed(4);
  const model = buildDesigner(config, dataset.users.length);
  const truth = loadWorldGroundTruth(dir)!;
  const world = truth.world,
    classifier = truth.oracle!;
  const cases = evalCases(testImgs, ['bottom', 'top'], dataset.users.length, 10, 2);
  const live = T.liveTensors();
  const figures = mPickFigures(model, testImgs, dataset, world, classifier, cases, 2);
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
  // The same picks, one (query, user, item) at a time.
  const oracle = new WorldOracle(world);
  const attrs = (cat: 'top' | 'bottom', idx: number) =>
    oracle.item(path.parse((cat === 'top' ? dataset.tops : dataset.bottoms)[idx]!.id).name);
  /** The dataset index of the item M ranks first, scoring every test item one pair at a time. */
  const pickOne = (target: 'top' | 'bottom', query: number, user: number) =>
    T.tidy(() => {
      const ids = [...(target === 'top' ? testImgs.topRow : testImgs.bottomRow).keys()];
      const zq = model.queryCodes(bytesToUnit(splitItemBytes(testImgs, target === 'top' ? 'bottom' : 'top', [query])));
      const s = ids.map((id) =>
        T.noGrad(() =>
          model.score(T.tensor([user], { dtype: 'int64' }), zq, model.queryCodes(bytesToUnit(splitItemBytes(testImgs, target, [id])))),
        ).item(),
      );
      return ids[s.indexOf(Math.max(...s))]!;
    });
  const picked = {
    design: cases.map((c) => pickOne(c.target, c.query, c.user)),
    other: cases.map((c) => pickOne(c.target, c.query, c.other)),
    swapped: cases.map((c) => pickOne(c.target, (c.swap >= 0 ? cases[c.swap]! : c).query, c.user)),
  };
  const exactly = (ids: number[]) => ids.map((id, i) => attrs(cases[i]!.target, id));
  const read = (ids: number[]) =>
    ids.map((id, i) => T.tidy(() => classifyAll(classifier, bytesToUnit(splitItemBytes(testImgs, cases[i]!.target, [id]))))[0]!);
  const expected = {
    exact: oracleFigures(
      world,
      dataset,
      cases,
      { design: exactly(picked.design), other: exactly(picked.other), swapped: exactly(picked.swapped) },
      2,
    ),
    read: oracleFigures(
      world,
      dataset,
      cases,
      { design: read(picked.design), other: read(picked.other), swapped: read(picked.swapped) },
      2,
    ),
  };
  for (const way of ['exact', 'read'] as const) {
    for (const k of ['compat_design', 'taste_design', 'personal_win_rate', 'own_query_advantage', 'category_accuracy'] as const) {
      assert.ok(Math.abs(figures[way][k] - expected[way][k]) < 1e-9, `${way} ${k}: ${figures[way][k]} vs ${expected[way][k]}`);
    }
  }
  assert.equal(figures.exact.category_accuracy, 1, 'a pick is a real item of the designed category');
  model.dispose();
  testImgs.dispose();
});
