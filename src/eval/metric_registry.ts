// The evaluation metrics, as an explicit registry (stylegan2-ada style): each
// entry says what it needs and computes its value (with spread where the
// metric has one) for the designs, and for the real ground-truth items (the
// paper's "Real" row) where that is meaningful.
import * as T from '../torch/index.js';
import type { DesignSet } from './designs.js';
import type { FeatureNet } from './feature_nets.js';
import { isDesigner, type FashionModel } from '../models/fashion_model.js';
import type { SplitImages } from '../data/cache.js';
import type { World } from '../data/world/world.js';
import type { AttributeClassifier } from '../data/world/classifier.js';
import type { FashionDataset } from '../data/manifest.js';
import { featureStats, frechetDistance } from './frechet.js';
import { inceptionScore, meanStd } from './inception_score.js';
import { ssim, crossUserSsim } from './ssim.js';
import { swappedCases } from './designs.js';
import { compatAuc } from './compat_auc.js';
import { totalVariation } from '../models/total_variation.js';
import { oracleMetrics, type OracleMetrics } from './oracle_metrics.js';
import { mPickFigures } from './m_pick_figures.js';
import { nearestDistances, median } from './nearest_real.js';
import { splitItemBytes } from '../data/cache.js';
import { bytesToUnit } from '../data/images.js';
import { Rng } from '../data/rng.js';
import { floorImages, precisionRecall, randomItemImages } from './realism.js';
import type { ItemLabels } from './item_labels.js';
import type { LabelClassifier } from './label_classifier.js';
import { categoryShare, colourHistories, colourTasteWin, readLabels } from './label_metrics.js';
import { judgeDesigns } from '../run/judge.js';
import type { Designer } from '../models/designer.js';

export interface EvalContext {
  model: FashionModel;
  designs: DesignSet;
  test: SplitImages; // at 64x64, the size every figure is read at
  /** The test split at the evaluated model's image size (the same object as `test` at 64x64): what its F reads. */
  modelTest: SplitImages;
  train: SplitImages;
  dataset: FashionDataset;
  nets: FeatureNet[];
  world: World | null;
  oracle: AttributeClassifier | null;
  /** Real data with item labels: the labels and the classifier trained on them (label_classifier.ts). */
  labelled: { labels: ItemLabels; model: LabelClassifier } | null;
  /** An independent compatibility model (judge.ts), or null. */
  judge: { judge: Designer; auc: number } | null;
  seed: number;
  splits: number;
  ssimPairs: number;
  device: T.Device;
  cache: Map<string, unknown>; // shared intermediate results (features, oracle metrics)
}

export interface MetricValue {
  value: number;
  std?: number;
  real?: number; // the same metric on the real ground-truth items
  realStd?: number;
  note?: string;
  details?: Record<string, number | string>;
}

export interface MetricDef {
  label: string; // the report's column title
  better: 'higher' | 'lower' | 'near 1';
  available(ctx: EvalContext): boolean;
  compute(ctx: EvalContext): MetricValue;
}

/** Real reference sets beside the ground truths (realism.ts): per case, a training complement of its user (floor) or a random item of its category. */
type RealSet = 'floor' | 'random';

function realSetImages(ctx: EvalContext, which: RealSet): T.Tensor {
  const key = `images:${which}`;
  if (!ctx.cache.has(key))
    ctx.cache.set(key, T.keep((which === 'floor' ? floorImages : randomItemImages)(ctx.designs.cases, ctx.train, ctx.seed, 'cpu')));
  return ctx.cache.get(key) as T.Tensor;
}

function embedded(ctx: EvalContext, net: FeatureNet, which: 'design' | 'truth' | RealSet): { features: T.Tensor; logits: T.Tensor } {
  const key = `${net.key}:${which}`;
  if (!ctx.cache.has(key)) {
    const x = which === 'floor' || which === 'random' ? realSetImages(ctx, which) : ctx.designs[which];
    const parts = T.tidy(() => {
      const feats: T.Tensor[] = [],
        logits: T.Tensor[] = [];
      for (let a = 0; a < x.size(0); a += 128) {
        const e = net.embed(T.toDevice(T.narrow(x, 0, a, Math.min(128, x.size(0) - a)), ctx.device));
        feats.push(T.toDevice(e.features, 'cpu'));
        logits.push(T.toDevice(e.logits, 'cpu'));
      }
      return { features: T.keep(T.cat(feats)), logits: T.keep(T.cat(logits)) };
    });
    ctx.cache.set(key, parts);
  }
  return ctx.cache.get(key) as { features: T.Tensor; logits: T.Tensor };
}

function isMetric(net: FeatureNet['key']): MetricDef {
  return {
    label: net === 'domain' ? 'IS (domain classes)' : 'IS',
    better: 'higher',
    available: (ctx) => ctx.nets.some((n) => n.key === net),
    compute(ctx) {
      const n = ctx.nets.find((x) => x.key === net)!;
      const splits = Math.min(ctx.splits, ctx.designs.cases.length);
      const d = inceptionScore(embedded(ctx, n, 'design').logits, splits, ctx.seed);
      const r = inceptionScore(embedded(ctx, n, 'truth').logits, splits, ctx.seed);
      return { value: d.mean, std: d.std, real: r.mean, realStd: r.std, details: { splits } };
    },
  };
}

function fidMetric(net: FeatureNet['key']): MetricDef {
  return {
    label: net === 'domain' ? 'FID (domain features)' : 'FID',
    better: 'lower',
    available: (ctx) => ctx.nets.some((n) => n.key === net),
    compute(ctx) {
      const n = ctx.nets.find((x) => x.key === net)!;
      const d = embedded(ctx, n, 'design').features,
        t = embedded(ctx, n, 'truth').features;
      const fid = (a: T.Tensor) => {
        const sa = featureStats(a),
          st = featureStats(t);
        const r = frechetDistance(sa, st);
        T.dispose([sa.mu, sa.sigma, st.mu, st.sigma]);
        return r;
      };
      const full = fid(d);
      // The real-vs-real floor (each case's user's training complement of the same category)
      // and random catalog items of that category, against the same truths at the same n.
      const floor = fid(embedded(ctx, n, 'floor').features).value,
        random = fid(embedded(ctx, n, 'random').features).value;
      // Spread over splits only when every split has enough samples for its covariance.
      const N = d.size(0),
        dim = d.size(1),
        per = Math.floor(N / ctx.splits);
      let std: number | undefined;
      if (per > dim) {
        const vals: number[] = [];
        for (let i = 0; i < ctx.splits; i++) {
          const a = featureStats(T.tidy(() => T.narrow(d, 0, i * per, per))),
            b = featureStats(T.tidy(() => T.narrow(t, 0, i * per, per)));
          vals.push(frechetDistance(a, b).value);
          T.dispose([a.mu, a.sigma, b.mu, b.sigma]);
        }
        std = meanStd(vals).std;
      }
      return {
        value: full.value,
        std,
        real: floor,
        note: full.warning,
        details: { samples: N, dim, real_vs_real_floor: floor, ratio_to_floor: full.value / floor, random_items: random },
      };
    },
  };
}

/** The label classifier's reading (category and colour probabilities) of designs, truths or other users' designs, cached. */
function labelsOf(ctx: EvalContext, which: 'design' | 'truth' | 'other'): { category: T.Tensor; colour: T.Tensor } {
  const key = `labels:${which}`;
  if (!ctx.cache.has(key)) ctx.cache.set(key, readLabels(ctx.labelled!.model, ctx.designs[which], ctx.device));
  return ctx.cache.get(key) as { category: T.Tensor; colour: T.Tensor };
}

/** Improved precision and recall (k = 3) in the domain features, designs against truths; the real row is the floor set's. */
function precisionRecallOf(ctx: EvalContext): {
  design: { precision: number; recall: number };
  floor: { precision: number; recall: number };
} {
  if (!ctx.cache.has('precision-recall')) {
    const net = ctx.nets.find((n) => n.key === 'domain')!;
    const t = embedded(ctx, net, 'truth').features;
    ctx.cache.set('precision-recall', {
      design: precisionRecall(embedded(ctx, net, 'design').features, t),
      floor: precisionRecall(embedded(ctx, net, 'floor').features, t),
    });
  }
  return ctx.cache.get('precision-recall') as ReturnType<typeof precisionRecallOf>;
}

/** 1 - mean SSIM over random pairs of images of the same category (as [27] samples pairs within a class). */
function oppositeSsim(x: T.Tensor, cats: string[], pairs: number, seed: number): { mean: number; std: number } {
  const rng = new Rng(seed, 'ssim-pairs');
  const byCat = new Map<string, number[]>();
  cats.forEach((c, i) => byCat.set(c, [...(byCat.get(c) ?? []), i]));
  const groups = [...byCat.values()].filter((g) => g.length > 1);
  if (!groups.length) return { mean: NaN, std: NaN };
  const a: number[] = [],
    b: number[] = [];
  for (let k = 0; k < pairs; k++) {
    const g = groups[k % groups.length]!;
    const i = rng.int(g.length);
    let j = rng.int(g.length - 1);
    if (j >= i) j++;
    a.push(g[i]!);
    b.push(g[j]!);
  }
  const s = T.tidy(() =>
    ssim(T.indexSelect(x, 0, T.tensor(a, { dtype: 'int64' })), T.indexSelect(x, 0, T.tensor(b, { dtype: 'int64' })), 2).toArray(),
  );
  const ms = meanStd(s);
  return { mean: 1 - ms.mean, std: ms.std };
}

const prefixed = (prefix: string, x: object): Record<string, number> =>
  Object.fromEntries(Object.entries(x).map(([k, v]) => [prefix + k, v as number]));

function oracle(ctx: EvalContext): OracleMetrics {
  if (!ctx.cache.has('oracle')) ctx.cache.set('oracle', oracleMetrics(ctx.world!, ctx.dataset, ctx.oracle!, ctx.designs, ctx.seed));
  return ctx.cache.get('oracle') as OracleMetrics;
}
const hasOracle = (ctx: EvalContext) => ctx.world !== null && ctx.oracle !== null;

export const METRICS = {
  is_domain: isMetric('domain'),
  fid_domain: fidMetric('domain'),
  is_inception: isMetric('inception'),
  fid_inception: fidMetric('inception'),
  precision_domain: {
    // The share of designs inside the real items' manifold (each truth's ball reaching its 3rd nearest truth).
    label: 'Precision (domain, k=3)',
    better: 'higher',
    available: (ctx) => ctx.nets.some((n) => n.key === 'domain') && ctx.designs.cases.length > 3,
    compute: (ctx) => ({ value: precisionRecallOf(ctx).design.precision, real: precisionRecallOf(ctx).floor.precision, details: { k: 3 } }),
  },
  recall_domain: {
    // The share of real items the designs' manifold covers.
    label: 'Recall (domain, k=3)',
    better: 'higher',
    available: (ctx) => ctx.nets.some((n) => n.key === 'domain') && ctx.designs.cases.length > 3,
    compute: (ctx) => ({ value: precisionRecallOf(ctx).design.recall, real: precisionRecallOf(ctx).floor.recall, details: { k: 3 } }),
  },
  label_category: {
    // Real data: the share of designs the label classifier puts in the designed category.
    label: 'Category (classifier)',
    better: 'higher',
    available: (ctx) => ctx.labelled !== null,
    compute: (ctx) => {
      const targets = ctx.designs.cases.map((c) => c.target);
      return {
        value: categoryShare(labelsOf(ctx, 'design').category, targets),
        real: categoryShare(labelsOf(ctx, 'truth').category, targets),
      };
    },
  },
  colour_taste: {
    // Real data: the design for the case's user against another user's design for the same
    // query, both read under the case's user's colour history (label_metrics.ts).
    label: 'Colour-taste personal win',
    better: 'higher',
    available: (ctx) => ctx.labelled !== null && ctx.dataset.users.length > 1,
    compute: (ctx) => {
      const h = colourHistories(ctx.train, ctx.labelled!.labels, ctx.model.config.users);
      const w = colourTasteWin(ctx.designs, labelsOf(ctx, 'design').colour, labelsOf(ctx, 'other').colour, h);
      return { value: w.win, details: { from_other_users_side: w.fromOtherSide, chance: 0.5 } };
    },
  },
  judge_own_query: {
    // An independent compatibility model's own-query advantage (judge.ts): above 0 when a design
    // goes with its own query better than the same user's design for another query does.
    label: 'Own-query advantage (judge)',
    better: 'higher',
    available: (ctx) => ctx.judge !== null && swappedCases(ctx.designs.cases).length > 1,
    compute: (ctx) => {
      const j = judgeDesigns(ctx.judge!.judge, ctx.designs, realSetImages(ctx, 'random'), ctx.device);
      return {
        value: j.ownQuery,
        details: {
          ci95_low: j.ownQueryLow,
          ci95_high: j.ownQueryHigh,
          pairs: j.pairs,
          score_design: j.design,
          score_real: j.truth,
          score_random_item: j.random,
          judge_batch_auc: ctx.judge!.auc,
        },
      };
    },
  },
  opposite_ssim: {
    label: 'Opposite SSIM',
    better: 'higher',
    available: () => true,
    compute(ctx) {
      const cats = ctx.designs.cases.map((c) => c.target);
      const d = oppositeSsim(ctx.designs.design, cats, ctx.ssimPairs, ctx.seed),
        r = oppositeSsim(ctx.designs.truth, cats, ctx.ssimPairs, ctx.seed);
      return { value: d.mean, std: d.std, real: r.mean, realStd: r.std, details: { pairs: ctx.ssimPairs } };
    },
  },
  compat_auc: {
    // Per user, then averaged (the personalized AUC of Polyvore-U work): BPR ranks outfits
    // within a user, so scores of different users are not on one scale; the pooled
    // AUCs are in the details.
    label: 'Compat. AUC (per user)',
    better: 'higher',
    available: (ctx) => isDesigner(ctx.model),
    compute(ctx) {
      if (!isDesigner(ctx.model)) throw new Error('compat_auc needs a model with a compatibility discriminator');
      const a = compatAuc(ctx.model, ctx.modelTest, ctx.seed, ctx.device);
      return { value: a.auc_per_user, details: { ...a } };
    },
  },
  oracle_category: {
    label: 'Category (oracle)',
    better: 'higher',
    available: hasOracle,
    compute: (ctx) => ({ value: oracle(ctx).category_accuracy, real: 1 }),
  },
  oracle_compat: {
    label: 'Compat (oracle)',
    better: 'higher',
    available: hasOracle,
    compute: (ctx) => {
      const o = oracle(ctx);
      return { value: o.compat_design, real: o.compat_truth, details: { random_item: o.compat_random, best_item: o.compat_best } };
    },
  },
  oracle_taste: {
    label: 'Taste (oracle)',
    better: 'higher',
    available: hasOracle,
    compute: (ctx) => {
      const o = oracle(ctx);
      return {
        value: o.taste_design,
        real: o.taste_truth,
        details: {
          random_item: o.taste_random,
          best_item: o.taste_best,
          ...prefixed('design_', o.taste_terms_design),
          ...prefixed('truth_', o.taste_terms_truth),
        },
      };
    },
  },
  oracle_personal: {
    label: 'Personal win (oracle)',
    better: 'higher',
    available: hasOracle,
    compute: (ctx) => {
      const o = oracle(ctx);
      return { value: o.personal_win_rate, details: { from_other_users_side: o.personal_win_rate_other, chance: 0.5 } };
    },
  },
  oracle_own_query: {
    // Zero when G ignores its query: the design for another query goes with q just as well.
    label: 'Own-query advantage (oracle)',
    better: 'higher',
    available: hasOracle,
    compute: (ctx) => {
      const o = oracle(ctx);
      return { value: o.own_query_advantage, real: o.own_query_advantage_truth, details: { chance: 0 } };
    },
  },
  oracle_m_pick: {
    // What G would reach if it drew the compatibility model's favourite test item exactly
    // (m_pick_figures.ts): above the design's figures, G is the limit; near them, F, M and theta_u are.
    // Read by the classifier as the designs are; the picks' own attributes give the exact_ figures.
    label: "M's pick compat (oracle)",
    better: 'higher',
    available: (ctx) => hasOracle(ctx) && isDesigner(ctx.model),
    compute: (ctx) => {
      if (!isDesigner(ctx.model)) throw new Error('oracle_m_pick needs a model with a compatibility discriminator');
      const { read: o, exact: e } = mPickFigures(
        ctx.model,
        ctx.modelTest,
        ctx.dataset,
        ctx.world!,
        ctx.oracle!,
        ctx.designs.cases,
        ctx.seed,
        ctx.device,
      );
      return {
        value: o.compat_design,
        real: o.compat_truth,
        details: {
          taste: o.taste_design,
          taste_real: o.taste_truth,
          personal_win: o.personal_win_rate,
          own_query: o.own_query_advantage,
          random_item: o.compat_random,
          best_item: o.compat_best,
          exact_compat: e.compat_design,
          exact_taste: e.taste_design,
          exact_personal_win: e.personal_win_rate,
          exact_own_query: e.own_query_advantage,
          ...prefixed('taste_', o.taste_terms_design),
        },
      };
    },
  },
  oracle_patterns: {
    // Speckle and noise read as a pattern ("print", "checks"): a busy design clashes with a
    // busy query (compat.ts) and hides the user's colour. 0 when the designs' pattern mix,
    // as the classifier reads it, is the ground truth's; the real row reads the ground
    // truth's own images the same way (the classifier's floor, not exactly 0).
    label: 'Pattern mix distance (oracle)',
    better: 'lower',
    available: hasOracle,
    compute: (ctx) => {
      const o = oracle(ctx),
        t = o.pattern_share_truth;
      const distance = (x: Record<string, number>) => Object.keys(t).reduce((s, k) => s + Math.abs(x[k]! - t[k as keyof typeof t]), 0) / 2;
      const readTruth = o.pattern_share_truth_read;
      return {
        value: distance(o.pattern_share_design),
        ...(readTruth ? { real: distance(readTruth) } : {}),
        details: {
          ...prefixed('design_', o.pattern_share_design),
          ...prefixed('truth_', t),
          ...(readTruth ? prefixed('truth_read_', readTruth) : {}),
        },
      };
    },
  },
  texture_tv: {
    // Mean absolute difference between neighbouring pixels (total_variation.ts), designs over
    // their ground-truth complements: above 1, the designs are busier than real items.
    label: 'Total variation ratio',
    better: 'near 1',
    available: () => true,
    compute: (ctx) => {
      const [d, t] = T.tidy(() => [totalVariation(ctx.designs.design).item(), totalVariation(ctx.designs.truth).item()]);
      return { value: d / t, real: 1, details: { design: d, real: t } };
    },
  },
  query_dependence: {
    // One user's designs for two different queries (the case's and another case's):
    // near 1 when G ignores the query; the real reference compares the two queries'
    // ground-truth complements.
    label: 'Same-user SSIM across queries',
    better: 'lower',
    available: () => true,
    compute: (ctx) => {
      const c = ctx.designs.cases,
        rows = swappedCases(c);
      const [d, r] = T.tidy(() => {
        const idx = T.tensor(rows, { dtype: 'int64' }),
          swapOf = T.tensor(
            rows.map((i) => c[i]!.swap),
            { dtype: 'int64' },
          );
        const pick = (x: T.Tensor) => T.indexSelect(x, 0, idx);
        return [
          ssim(pick(ctx.designs.design), pick(ctx.designs.swapped), 2).toArray(),
          ssim(pick(ctx.designs.truth), T.indexSelect(ctx.designs.truth, 0, swapOf), 2).toArray(),
        ];
      });
      const md = meanStd(d),
        mr = meanStd(r);
      return { value: md.mean, std: md.std, real: mr.mean, realStd: mr.std, details: { pairs: rows.length } };
    },
  },
  user_diversity: {
    label: 'Cross-user SSIM',
    better: 'lower',
    available: (ctx) => ctx.designs.fanout.users.length > 1 && ctx.designs.fanout.cases.length > 0,
    compute: (ctx) => {
      const o = crossUserSsim(ctx.designs.fanout.designs);
      return { value: o.mean, std: o.std, details: { queries: ctx.designs.fanout.cases.length, users: ctx.designs.fanout.users.length } };
    },
  },
  nearest_real: {
    label: 'NN-distance ratio',
    better: 'near 1',
    available: (ctx) => ctx.nets.some((n) => n.key === 'domain'),
    compute(ctx) {
      const net = ctx.nets.find((n) => n.key === 'domain')!;
      const d = embedded(ctx, net, 'design').features,
        t = embedded(ctx, net, 'truth').features;
      const cats = ctx.designs.cases.map((c) => c.target);
      const dd: number[] = [],
        td: number[] = [];
      for (const cat of ['top', 'bottom'] as const) {
        const rows = cats.map((c, i) => (c === cat ? i : -1)).filter((i) => i >= 0);
        if (!rows.length) continue;
        const trainIds = [...(cat === 'top' ? ctx.train.topRow : ctx.train.bottomRow).keys()];
        T.tidy(() => {
          const ref = T.toDevice(net.embed(bytesToUnit(T.toDevice(splitItemBytes(ctx.train, cat, trainIds), ctx.device))).features, 'cpu');
          const idx = T.tensor(rows, { dtype: 'int64' });
          dd.push(...nearestDistances(T.indexSelect(d, 0, idx), ref));
          // A real test item may also be a training item (outfits are split, items are shared): skip itself.
          const col = new Map(trainIds.map((id, j) => [id, j]));
          td.push(
            ...nearestDistances(
              T.indexSelect(t, 0, idx),
              ref,
              rows.map((i) => col.get(ctx.designs.cases[i]!.truth) ?? -1),
            ),
          );
        });
      }
      const md = median(dd),
        mt = median(td);
      return { value: md / mt, details: { median_design_to_train: md, median_real_test_to_train: mt } };
    },
  },
} satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;
