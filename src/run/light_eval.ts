// A light evaluation for learning curves during training: a fixed set of a few
// hundred test cases, designed for their own users, for another user and for
// another query, then the figures that say whether the designs follow the query
// and the user (the oracle's on a synthetic world) and the compatibility AUC.
// Deterministic, eval mode only, no libtorch RNG: it leaves the training
// trajectory exactly as it was (test/eval/light_eval.test.ts checks that).
import * as T from '../torch/index.js';
import { isDesigner, type FashionModel } from '../models/fashion_model.js';
import type { SplitImages } from '../data/cache.js';
import type { FashionDataset } from '../data/manifest.js';
import type { World } from '../data/world/world.js';
import type { AttributeClassifier } from '../data/world/classifier.js';
import { evalCases, makeDesigns, swappedCases, type EvalCase } from '../eval/designs.js';
import { oracleMetrics } from '../eval/oracle_metrics.js';
import { compatAuc } from '../eval/compat_auc.js';
import { ssim } from '../eval/ssim.js';
import { totalVariation } from '../models/total_variation.js';
import { readItemLabels, type ItemLabels } from '../eval/item_labels.js';
import { labelFeatureNet, type LabelClassifier } from '../eval/label_classifier.js';
import { categoryShare, colourHistories, colourTasteWin, readLabels } from '../eval/label_metrics.js';

/** Real data's own labels read by its label classifier: the curves' category and colour-taste figures. */
export interface LabelReadings {
  model: LabelClassifier;
  labels: ItemLabels;
  histories: Record<'top' | 'bottom', number[][]>; // each user's colour groups among their training complements
  dispose(): void;
}

/**
 * The label readings of a data set with item labels (items.jsonl, as `pfd data import hm` writes),
 * or null: the same cached classifier as `pfd eval`'s (trained on first use, before the model is
 * built so that the training trajectory does not depend on it).
 */
export function labelReadings(
  dataset: FashionDataset,
  cacheDir: string,
  train: SplitImages,
  test: SplitImages,
  device: T.Device,
  onProgress?: (done: number, total: number) => void,
): LabelReadings | null {
  const labels = readItemLabels(dataset);
  if (!labels) return null;
  const { model } = labelFeatureNet(cacheDir, train, test, labels, device, onProgress);
  return { model, labels, histories: colourHistories(train, labels, dataset.users.length), dispose: () => model.dispose() };
}

export interface LightEvalOptions {
  test: SplitImages; // at 64x64, where the figures are read
  modelTest?: SplitImages; // the test split at the model's image size when it is not 64 (its queries, its F)
  dataset: FashionDataset;
  world: World | null;
  oracle: AttributeClassifier | null; // the world's attribute classifier (oracle figures need both)
  labelled?: LabelReadings | null; // real data: its label classifier (category and colour-taste figures)
  queries: number; // test cases per evaluation
  seed: number;
  device: T.Device;
}

/** Figures of one light evaluation; the eval_ prefix keeps them apart from the losses in metrics.jsonl. */
export type LightEvalFigures = Record<string, number>;

export class LightEvaluator {
  private cases: EvalCase[] | null = null;

  constructor(private readonly o: LightEvalOptions) {}

  async evaluate(model: FashionModel): Promise<LightEvalFigures> {
    const users = model.config.users;
    this.cases ??= evalCases(this.o.test, model.config.targets, users, this.o.queries, this.o.seed);
    const set = await makeDesigns(model, this.o.test, this.cases, {
      modelImages: this.o.modelTest,
      users,
      fanoutQueries: 0,
      fanoutUsers: 0,
      seed: this.o.seed,
      device: this.o.device,
    });
    try {
      const out: LightEvalFigures = {};
      // One user's designs for two different queries: near 1 when the query is ignored.
      // (and its reference: the two queries' ground-truth complements)
      [out.eval_query_ssim, out.ref_query_ssim_truth] = T.tidy(() => {
        const rows = swappedCases(set.cases);
        const idx = T.tensor(rows, { dtype: 'int64' }),
          swapOf = T.tensor(
            rows.map((i) => set.cases[i]!.swap),
            { dtype: 'int64' },
          );
        return [
          T.mean(ssim(T.indexSelect(set.design, 0, idx), T.indexSelect(set.swapped, 0, idx), 2)).item(),
          T.mean(ssim(T.indexSelect(set.truth, 0, idx), T.indexSelect(set.truth, 0, swapOf), 2)).item(),
        ];
      });
      out.eval_user_ssim = T.tidy(() => T.mean(ssim(set.design, set.other, 2)).item());
      // How busy the designs are against real items (speckle reads as a pattern).
      [out.eval_tv, out.ref_tv_truth] = T.tidy(() => [totalVariation(set.design).item(), totalVariation(set.truth).item()]);
      if (this.o.world && this.o.oracle) {
        const m = oracleMetrics(this.o.world, this.o.dataset, this.o.oracle, set, this.o.seed);
        Object.assign(out, {
          eval_category: m.category_accuracy,
          eval_compat: m.compat_design,
          eval_taste: m.taste_design,
          eval_personal_win: m.personal_win_rate,
          eval_own_query: m.own_query_advantage,
          // references, constant over training: drawn as lines beside the curves
          ref_compat_truth: m.compat_truth,
          ref_compat_random: m.compat_random,
          ref_compat_best: m.compat_best,
          ref_taste_truth: m.taste_truth,
          ref_own_query_truth: m.own_query_advantage_truth,
        });
      }
      const l = this.o.labelled;
      if (l) {
        // Real data (no oracle): the share of designs of the right category, and the colour-taste win.
        const targets = set.cases.map((c) => c.target);
        const [design, other] = [readLabels(l.model, set.design, this.o.device), readLabels(l.model, set.other, this.o.device)];
        try {
          out.eval_label_category = categoryShare(design.category, targets);
          out.eval_colour_taste = colourTasteWin(set, design.colour, other.colour, l.histories).win;
        } finally {
          T.dispose([design.category, design.colour, other.category, other.colour]);
        }
      }
      if (isDesigner(model)) {
        // (the baselines have no compatibility discriminator)
        const a = compatAuc(model, this.o.modelTest ?? this.o.test, this.o.seed, this.o.device);
        Object.assign(out, {
          eval_auc_per_user: a.auc_per_user,
          eval_auc_kind1: a.auc_kind1,
          eval_auc_kind1_per_user: a.auc_kind1_per_user,
        });
      }
      return out;
    } finally {
      set.dispose();
    }
  }
}
