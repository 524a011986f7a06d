// Exact compatibility and personalization on a synthetic world: the oracle
// classifier reads each design's attributes, and the world's own rules score it.
//   category     share of designs whose silhouette is of the designed category
//   compat       oracle compat(query, design) vs compat(query, ground truth) vs
//                compat(query, a random real test item of that category)
//   taste        pref(u, query, design for u) vs the same for the ground truth and a random item
//   personal     P[pref_u(design for u) > pref_u(design for v)] for a random other
//                user v (ties count half; 0.5 = no personalization), and the same
//                from v's side
//   own query    compat(q, design(q, u)) - compat(q, design(q', u)) for another query q':
//                how much better the design goes with its own query than with another
//                (0 when G ignores the query)
//   best item    the ceiling: the catalog item of the designed category that maximizes
//                compat + pref(u) for (q, u) (the world's own outfit score), its compat and taste
//   taste terms  taste split into the parts of pref (taste.ts): the designed item's colour,
//                pattern and silhouette affinity for u, and the outfit's formality fit, for the
//                design and the ground truth; says which part of a user's taste G misses
import path from 'node:path';
import * as T from '../torch/index.js';
import type { World, WorldItem } from '../data/world/world.js';
import { WorldOracle } from '../data/world/world.js';
import { PATTERNS, categoryOf, type ItemAttributes, type Pattern } from '../data/world/attributes.js';
import { formalityFit, itemAffinity, type Taste } from '../data/world/taste.js';
import type { AttributeClassifier } from '../data/world/classifier.js';
import type { FashionDataset } from '../data/manifest.js';
import { Rng } from '../data/rng.js';
import type { DesignSet, EvalCase } from './designs.js';

export interface OracleMetrics {
  category_accuracy: number;
  compat_design: number;
  compat_truth: number;
  compat_random: number;
  taste_design: number;
  taste_truth: number;
  taste_random: number;
  personal_win_rate: number;
  personal_win_rate_other: number;
  own_query_advantage: number;
  own_query_advantage_truth: number; // the same for the ground truth: compat(q, truth) - compat(q, truth of q')
  compat_best: number; // of the catalog item with the best compat + pref(u) for (q, u)
  taste_best: number;
  designs: number;
  compat_per_case: number[]; // compat(q, design) of each case, in case order (Fig. 4's pairwise votes)
  taste_terms_design: TasteTerms; // means over cases, each in [0, 1]
  taste_terms_truth: TasteTerms;
  pattern_share_design: Record<Pattern, number>; // how the classifier reads the designs' patterns (shares sum to 1)
  pattern_share_truth: Record<Pattern, number>;
  pattern_share_truth_read: Record<Pattern, number> | null; // the ground truth's images as the classifier reads them (the metric's floor), when given
}

/** The parts of pref(u, outfit) that depend on the designed item (taste.ts): affinities in [0, 1]. */
export interface TasteTerms {
  colour: number;
  pattern: number;
  silhouette: number;
  formality: number; // 1 - |outfit formality - u's preferred formality|
}

function tasteTerms(t: Taste, item: ItemAttributes, query: ItemAttributes): TasteTerms {
  return { ...itemAffinity(t, item), formality: formalityFit(t, item, query) }; // (formality is symmetric in top and bottom)
}

function addTerms(sum: TasteTerms, x: TasteTerms): void {
  sum.colour += x.colour;
  sum.pattern += x.pattern;
  sum.silhouette += x.silhouette;
  sum.formality += x.formality;
}

function patternShares(xs: ItemAttributes[]): Record<Pattern, number> {
  const counts = Object.fromEntries(PATTERNS.map((p) => [p, 0])) as Record<Pattern, number>;
  for (const x of xs) counts[x.pattern]++;
  return Object.fromEntries(PATTERNS.map((p) => [p, counts[p] / xs.length])) as Record<Pattern, number>;
}

const meanTerms = (sum: TasteTerms, n: number): TasteTerms => ({
  colour: sum.colour / n,
  pattern: sum.pattern / n,
  silhouette: sum.silhouette / n,
  formality: sum.formality / n,
});

export function classifyAll(c: AttributeClassifier, x: T.Tensor, batch = 256): ItemAttributes[] {
  const out: ItemAttributes[] = [];
  for (let a = 0; a < x.size(0); a += batch) out.push(...T.tidy(() => c.classify(T.narrow(x, 0, a, Math.min(batch, x.size(0) - a)))));
  return out;
}

export function oracleMetrics(
  world: World,
  dataset: FashionDataset,
  classifier: AttributeClassifier,
  set: DesignSet,
  seed: number,
): OracleMetrics {
  const read = {
    design: classifyAll(classifier, set.design),
    other: classifyAll(classifier, set.other),
    swapped: classifyAll(classifier, set.swapped),
    truth: classifyAll(classifier, set.truth),
  };
  return oracleFigures(world, dataset, set.cases, read, seed);
}

/** The oracle's figures from the attributes read off each case's design, other-user design and other-query design. */
export function oracleFigures(
  world: World,
  dataset: FashionDataset,
  cases: EvalCase[],
  read: { design: ItemAttributes[]; other: ItemAttributes[]; swapped: ItemAttributes[]; truth?: ItemAttributes[] },
  seed: number,
): OracleMetrics {
  const oracle = new WorldOracle(world);
  const item = (category: 'top' | 'bottom', idx: number): WorldItem =>
    oracle.item(path.parse((category === 'top' ? dataset.tops : dataset.bottoms)[idx]!.id).name);
  const user = (u: number) => dataset.users[u]!;
  const { design: designs, other: others, swapped } = read;
  const set = { cases };
  const catalog = { top: world.items.filter((it) => it.category === 'top'), bottom: world.items.filter((it) => it.category === 'bottom') };
  const rng = new Rng(seed, 'oracle-random-items');
  const pool = {
    top: [...new Set(set.cases.filter((c) => c.target === 'top').map((c) => c.truth))],
    bottom: [...new Set(set.cases.filter((c) => c.target === 'bottom').map((c) => c.truth))],
  };
  let correct = 0,
    wins = 0,
    winsOther = 0,
    swaps = 0;
  const sums = { cd: 0, ct: 0, cr: 0, td: 0, tt: 0, tr: 0, own: 0, ownTruth: 0, cb: 0, tb: 0 };
  const perCase: number[] = [];
  const terms = {
    design: { colour: 0, pattern: 0, silhouette: 0, formality: 0 },
    truth: { colour: 0, pattern: 0, silhouette: 0, formality: 0 },
  };
  set.cases.forEach((c, i) => {
    const qCat = c.target === 'bottom' ? 'top' : 'bottom';
    const q = item(qCat, c.query),
      truth = item(c.target, c.truth),
      rand = item(c.target, rng.pick(pool[c.target]));
    const d = designs[i]!,
      o = others[i]!;
    if (categoryOf(d.silhouette) === c.target) correct++;
    const outfit = (x: ItemAttributes): [ItemAttributes, ItemAttributes] => (c.target === 'bottom' ? [q, x] : [x, q]);
    perCase.push(oracle.compat(...outfit(d)));
    sums.cd += perCase[i]!;
    sums.ct += oracle.compat(...outfit(truth));
    sums.cr += oracle.compat(...outfit(rand));
    const u = user(c.user),
      v = user(c.other);
    sums.td += oracle.pref(u, ...outfit(d));
    sums.tt += oracle.pref(u, ...outfit(truth));
    sums.tr += oracle.pref(u, ...outfit(rand));
    addTerms(terms.design, tasteTerms(oracle.taste(u), d, q));
    addTerms(terms.truth, tasteTerms(oracle.taste(u), truth, q));
    const pu = oracle.pref(u, ...outfit(d)) - oracle.pref(u, ...outfit(o));
    const pv = oracle.pref(v, ...outfit(o)) - oracle.pref(v, ...outfit(d));
    if (c.swap >= 0) {
      sums.own += oracle.compat(...outfit(d)) - oracle.compat(...outfit(swapped[i]!));
      sums.ownTruth += oracle.compat(...outfit(truth)) - oracle.compat(...outfit(item(c.target, set.cases[c.swap]!.truth)));
      swaps++;
    }
    const best = bestItem(catalog[c.target], (x) => oracle.compat(...outfit(x)) + oracle.pref(u, ...outfit(x)));
    sums.cb += oracle.compat(...outfit(best));
    sums.tb += oracle.pref(u, ...outfit(best));
    wins += pu > 0 ? 1 : pu === 0 ? 0.5 : 0;
    winsOther += pv > 0 ? 1 : pv === 0 ? 0.5 : 0;
  });
  const n = set.cases.length;
  return {
    category_accuracy: correct / n,
    compat_design: sums.cd / n,
    compat_truth: sums.ct / n,
    compat_random: sums.cr / n,
    taste_design: sums.td / n,
    taste_truth: sums.tt / n,
    taste_random: sums.tr / n,
    personal_win_rate: wins / n,
    personal_win_rate_other: winsOther / n,
    own_query_advantage: swaps ? sums.own / swaps : NaN,
    own_query_advantage_truth: swaps ? sums.ownTruth / swaps : NaN,
    compat_best: sums.cb / n,
    taste_best: sums.tb / n,
    designs: n,
    compat_per_case: perCase,
    taste_terms_design: meanTerms(terms.design, n),
    taste_terms_truth: meanTerms(terms.truth, n),
    pattern_share_design: patternShares(designs),
    pattern_share_truth: patternShares(set.cases.map((c) => item(c.target, c.truth))),
    pattern_share_truth_read: read.truth ? patternShares(read.truth) : null,
  };
}

function bestItem(items: WorldItem[], score: (x: WorldItem) => number): WorldItem {
  let best = items[0]!,
    top = -Infinity;
  for (const it of items) {
    const s = score(it);
    if (s > top) {
      top = s;
      best = it;
    }
  }
  return best;
}
