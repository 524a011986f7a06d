// Evaluation without an oracle: the label classifier of a labelled real data set, the category
// check and the colour-taste personal win, on hand-made cases and end to end on an imported folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { categoryShare, colourTasteWin } from '../../src/eval/label_metrics.js';
import type { DesignSet } from '../../src/eval/designs.js';
import { importHm } from '../../src/data/hm/import.js';
import { main } from '../../src/cli/pfd.js';
import { quietly } from '../helpers.js';
import { makeHmFolder } from '../data/fixtures.js';
import { TINY_MODEL } from '../train/fixtures.js';

test('category share and colour-taste win on hand-made readings', () => {
  T.tidy(() => {
    const probs = T.tensor([0.9, 0.1, 0.2, 0.8, 0.6, 0.4], { shape: [3, 2] });
    assert.equal(categoryShare(probs, ['top', 'bottom', 'bottom']), 2 / 3);
    // Two colours; user 0 likes colour 0, user 1 colour 1. Case 0: user 0's design is colour 0 and
    // the other user's design colour 1: a win from both sides. Case 1: the designs are the same: a tie.
    const cases = [
      { target: 'bottom', user: 0, other: 1 },
      { target: 'bottom', user: 0, other: 1 },
    ] as unknown as DesignSet['cases'];
    const h = {
      top: [],
      bottom: [
        [0.9, 0.1],
        [0.2, 0.8],
      ],
    } as unknown as Record<'top' | 'bottom', number[][]>;
    const design = T.tensor([1, 0, 0.5, 0.5], { shape: [2, 2] }),
      other = T.tensor([0, 1, 0.5, 0.5], { shape: [2, 2] });
    assert.deepEqual(colourTasteWin({ cases } as DesignSet, design, other, h), { win: 0.75, fromOtherSide: 0.75 });
    assert.deepEqual(colourTasteWin({ cases } as DesignSet, other, design, h), { win: 0.25, fromOtherSide: 0.25 }, 'swapped designs lose');
  });
});

test('training and pfd eval on an imported labelled folder: the label classifier replaces the oracle in the learning curves and the evaluation; category, colour taste, FID against its floor, precision and recall', async () => {
  const root = await makeHmFolder();
  const data = path.join(root, 'data');
  await importHm({
    articles: path.join(root, 'articles.csv'),
    transactions: path.join(root, 'transactions.csv'),
    images: path.join(root, 'images'),
    windowDays: 30,
    minOutfits: 1,
    testShare: 0.5,
    size: 64,
    seed: 1,
    skipBad: false,
    out: data,
  });
  const cfg = path.join(root, 'tiny.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(cfg, JSON.stringify({ model: TINY_MODEL, batchSize: 4, sampleQueries: 1, sampleUsers: 2, evalEvery: 1, evalQueries: 8 }));
  const run = path.join(root, 'run');
  const t = await quietly(() => main(['train', '--data', data, '--config', cfg, '--iterations', '2', '--out', run]));
  assert.equal(t.result, 0, t.err);
  assert.match(t.out + t.err, /category \(labels\) [\d.]+, colour taste [\d.]+/);
  const curves = readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.phase === 'eval');
  assert.deepEqual(
    curves.map((r) => r.iteration),
    [0, 1, 2],
  );
  for (const r of curves) for (const k of ['eval_label_category', 'eval_colour_taste']) assert.ok(r[k] >= 0 && r[k] <= 1, `${k}: ${r[k]}`);
  const e = await quietly(() =>
    main([
      'eval',
      '--run',
      run,
      '--n',
      '8',
      '--splits',
      '2',
      '--ssim-pairs',
      '8',
      '--fanout-queries',
      '1',
      '--fanout-users',
      '2',
      '--judge-iterations',
      '3',
    ]),
  );
  assert.equal(e.result, 0, e.err);
  const m = JSON.parse(readFileSync(path.join(run, 'eval', 'metrics.json'), 'utf8'));
  const r = (Array.isArray(m) ? m : [m])[0];
  assert.match(r.feature_nets.domain, /a classifier of the data set's own labels .* product type .* colour group/);
  for (const k of ['label_category', 'colour_taste', 'fid_domain', 'precision_domain', 'recall_domain', 'judge_own_query'])
    assert.ok(k in r.metrics, `${k} in ${Object.keys(r.metrics).join(', ')}`);
  for (const k of ['value', 'real']) assert.ok(r.metrics.label_category[k] >= 0 && r.metrics.label_category[k] <= 1, k);
  assert.ok(r.metrics.colour_taste.value >= 0 && r.metrics.colour_taste.value <= 1);
  assert.ok(!('oracle_compat' in r.metrics), 'no oracle on real data');
  assert.ok(Number.isFinite(r.metrics.fid_domain.details.real_vs_real_floor));
  const j = r.metrics.judge_own_query;
  assert.ok(j.details.ci95_low <= j.value && j.value <= j.details.ci95_high, JSON.stringify(j));
  assert.ok(Number.isFinite(j.details.score_real) && Number.isFinite(j.details.score_random_item));
});
