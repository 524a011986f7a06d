// The metrics that say whether designs follow their query, on hand-made design
// sets: one that ignores the query scores query dependence 1 and own-query
// advantage 0; one that copies the ground truth scores the real values.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { METRICS, type EvalContext } from '../../src/eval/metric_registry.js';
import { evalCases, type DesignSet, type EvalCase } from '../../src/eval/designs.js';
import { oracleFigures } from '../../src/eval/oracle_metrics.js';
import { itemAffinity } from '../../src/data/world/taste.js';
import { loadDataset } from '../../src/data/load.js';
import { readWorld } from '../../src/data/world/write.js';
import { WorldOracle, type World } from '../../src/data/world/world.js';
import type { SplitImages } from '../../src/data/cache.js';
import type { FashionDataset } from '../../src/data/manifest.js';
import { tinyWorld } from '../train/fixtures.js';

const N = 6;
function handSet(design: T.Tensor, swapped: T.Tensor, truth: T.Tensor): DesignSet {
  // Cases 0..5 with users 0,0,1,1,2,2; each swaps with the next case (another query).
  const cases: EvalCase[] = Array.from({ length: N }, (_, i) => ({
    outfit: i,
    user: Math.floor(i / 2),
    other: 0,
    swap: (i + 1) % N,
    target: 'bottom',
    query: i,
    truth: i,
  }));
  const none = T.zeros([0]);
  return {
    cases,
    query: none,
    truth,
    design,
    other: none,
    swapped,
    fanout: { cases: [], users: [], designs: none },
    dispose: () => undefined,
  };
}

test('query dependence: 1 when each user gets one design whatever the query; the real value when designs copy the ground truth', () => {
  T.manualSeed(2);
  T.tidy(() => {
    const truth = T.sub(T.mul(T.rand([N, 3, 32, 32]), 2), 1);
    const perUser = T.sub(T.mul(T.rand([3, 3, 32, 32]), 2), 1);
    const userImage = T.indexSelect(perUser, 0, T.tensor([0, 0, 1, 1, 2, 2], { dtype: 'int64' })); // design(q, u) = image of u
    const q = METRICS.query_dependence;
    const ignoring = q.compute({ designs: handSet(userImage, userImage, truth) } as unknown as EvalContext);
    assert.ok(Math.abs(ignoring.value - 1) < 1e-6, `ignores the query: ${ignoring.value}`);
    const swappedTruth = T.indexSelect(truth, 0, T.tensor([1, 2, 3, 4, 5, 0], { dtype: 'int64' }));
    const copying = q.compute({ designs: handSet(truth, swappedTruth, truth) } as unknown as EvalContext);
    assert.ok(Math.abs(copying.value - copying.real!) < 1e-9, `copies the ground truth: ${copying.value} vs real ${copying.real}`);
    assert.ok(copying.value < 0.5, 'random images are far apart');
    // Total variation ratio: 1 for designs that copy the ground truth, far above for speckle on flat real items.
    const tv = METRICS.texture_tv;
    assert.ok(Math.abs(tv.compute({ designs: handSet(truth, swappedTruth, truth) } as unknown as EvalContext).value - 1) < 1e-6);
    // Real items with a tenth of the designs' contrast: the designs are ten times as busy.
    const calmer = T.add(T.mul(T.ones([N, 3, 32, 32]), 0.2), T.mul(truth, 0.1));
    const busier = tv.compute({ designs: handSet(truth, swappedTruth, calmer) } as unknown as EvalContext);
    assert.ok(Math.abs(busier.value - 10) < 1e-3, `designs ten times as busy as the real items: ${busier.value}`);
  });
});

let world: World, dataset: FashionDataset, cases: EvalCase[];
before(async () => {
  const dir = await tinyWorld();
  world = readWorld(dir);
  dataset = loadDataset({ path: dir, format: 'manifest', skipBad: false });
  const test = { outfits: dataset.outfits.filter((o) => o.split === 'test') } as unknown as SplitImages;
  cases = evalCases(test, ['bottom', 'top'], dataset.users.length, 12, 3);
});

test("own-query advantage (oracle): 0 when the query is ignored; the ground truth's value when designs are the ground truth; best catalog item is the ceiling", () => {
  const oracle = new WorldOracle(world);
  const attrs = (category: 'top' | 'bottom', idx: number) =>
    oracle.item(path.parse((category === 'top' ? dataset.tops : dataset.bottoms)[idx]!.id).name);
  assert.ok(
    cases.every((c, i) => c.swap !== i && cases[c.swap]!.target === c.target && cases[c.swap]!.query !== c.query),
    'every case swaps with another query of its category',
  );
  // One fixed design per (user, category), whatever the query.
  const fixed = (c: EvalCase) => attrs(c.target, cases.find((d) => d.user === c.user && d.target === c.target)!.truth);
  const ignoring = oracleFigures(
    world,
    dataset,
    cases,
    { design: cases.map(fixed), other: cases.map(fixed), swapped: cases.map(fixed) },
    1,
  );
  assert.equal(ignoring.own_query_advantage, 0);
  const truths = cases.map((c) => attrs(c.target, c.truth));
  const copying = oracleFigures(
    world,
    dataset,
    cases,
    { design: truths, other: truths, swapped: cases.map((c) => attrs(c.target, cases[c.swap]!.truth)), truth: truths },
    1,
  );
  assert.equal(copying.own_query_advantage, copying.own_query_advantage_truth);
  assert.equal(copying.compat_design, copying.compat_truth);
  assert.equal(copying.taste_design, copying.taste_truth);
  assert.ok(
    copying.compat_best + copying.taste_best >= copying.compat_truth + copying.taste_truth,
    'the best catalog item scores at least the ground truth',
  );
  assert.equal(copying.category_accuracy, 1);
  assert.deepEqual(copying.taste_terms_design, copying.taste_terms_truth, 'designs that copy the ground truth have its taste terms');
  assert.deepEqual(copying.pattern_share_design, copying.pattern_share_truth, 'and its pattern mix');
  assert.deepEqual(copying.pattern_share_truth_read, copying.pattern_share_truth, 'a classifier that reads the truth exactly has no floor');
  assert.equal(ignoring.pattern_share_truth_read, null, 'without the truth read, no floor');
  assert.ok(Math.abs(Object.values(copying.pattern_share_design).reduce((a, b) => a + b, 0) - 1) < 1e-9, 'pattern shares sum to 1');
  // The terms are the design's half of pref: recombined with the query's half they give taste.
  const prefFromTerms =
    cases.reduce((sum, c) => {
      const t = oracle.taste(dataset.users[c.user]!),
        q = attrs(c.target === 'bottom' ? 'top' : 'bottom', c.query),
        a = itemAffinity(t, q);
      const d = oracleFigures(
        world,
        dataset,
        [{ ...c, swap: -1 }],
        { design: [attrs(c.target, c.truth)], other: [attrs(c.target, c.truth)], swapped: [attrs(c.target, c.truth)] },
        1,
      ).taste_terms_design;
      return (
        sum +
        (0.35 * (a.colour + d.colour)) / 2 +
        (0.2 * (a.pattern + d.pattern)) / 2 +
        (0.2 * (a.silhouette + d.silhouette)) / 2 +
        0.25 * d.formality
      );
    }, 0) / cases.length;
  assert.ok(Math.abs(prefFromTerms - copying.taste_truth) < 1e-9, `taste from its terms ${prefFromTerms} vs ${copying.taste_truth}`);
  assert.ok(ignoring.taste_terms_design.colour !== copying.taste_terms_design.colour, 'the terms follow the designs');
});
