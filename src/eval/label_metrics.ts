// Figures of a labelled real data set (no oracle), read by its label classifier:
//   category     the share of designs classified into the designed category (a bottom for a top query)
//   colour taste a personal win on real data: each design's colour distribution (the classifier's
//                colour head) is scored against the user's colour history, the colour groups of
//                the complements they bought in the training split (add-one smoothed); the design
//                for the case's user should score higher under that history than the design for
//                another user and the same query (0.5 = the designs ignore the user's colours)
import * as T from '../torch/index.js';
import type { DesignSet } from './designs.js';
import type { SplitImages } from '../data/cache.js';
import type { ItemLabels } from './item_labels.js';
import type { LabelClassifier } from './label_classifier.js';

/** Category probabilities [N, 2] and colour probabilities [N, colours] of images [N, 3, S, S] (float32, CPU). */
export function readLabels(model: LabelClassifier, x: T.Tensor, device: T.Device): { category: T.Tensor; colour: T.Tensor } {
  return T.tidy(() =>
    T.noGrad(() => {
      const cat: T.Tensor[] = [],
        col: T.Tensor[] = [];
      for (let a = 0; a < x.size(0); a += 128) {
        const o = model.forward(T.toDevice(T.narrow(x, 0, a, Math.min(128, x.size(0) - a)), device));
        cat.push(T.toDevice(T.softmax(o.category, 1), 'cpu'));
        col.push(T.toDevice(T.softmax(o.colour, 1), 'cpu'));
      }
      return { category: T.keep(T.cat(cat)), colour: T.keep(T.cat(col)) };
    }),
  );
}

/** Share of rows whose most likely category is the case's designed category. */
export function categoryShare(categoryProbs: T.Tensor, targets: ('top' | 'bottom')[]): number {
  const pred = T.tidy(() => T.argmax(categoryProbs, 1).toArray() as number[]);
  return pred.filter((p, i) => p === (targets[i] === 'top' ? 0 : 1)).length / targets.length;
}

/** Each user's colour-group distribution among their training complements of each category (add-one smoothed): [users][colours]. */
export function colourHistories(train: SplitImages, labels: ItemLabels, users: number): Record<'top' | 'bottom', number[][]> {
  const K = labels.colourGroups.length;
  const make = () => Array.from({ length: users }, () => new Array<number>(K).fill(1));
  const h = { top: make(), bottom: make() };
  for (const o of train.outfits) {
    for (const c of ['top', 'bottom'] as const) {
      const l = labels[c].get(c === 'top' ? o.top : o.bottom);
      if (l && o.user < users) h[c][o.user]![l[1]]! += 1;
    }
  }
  for (const c of ['top', 'bottom'] as const)
    for (const row of h[c]) {
      const s = row.reduce((a, b) => a + b, 0);
      row.forEach((v, i) => (row[i] = v / s));
    }
  return h;
}

/** The colour-taste win rate: design for u vs design for v (same query), both scored under u's colour history. */
export function colourTasteWin(
  designs: DesignSet,
  design: T.Tensor,
  other: T.Tensor,
  histories: Record<'top' | 'bottom', number[][]>,
): { win: number; fromOtherSide: number } {
  const [d, o] = [design.toArray() as number[], other.toArray() as number[]];
  const K = design.size(1);
  const score = (probs: number[], row: number, h: number[]) => {
    let s = 0;
    for (let k = 0; k < K; k++) s += probs[row * K + k]! * h[k]!;
    return s;
  };
  let win = 0,
    back = 0;
  designs.cases.forEach((c, i) => {
    const hu = histories[c.target][c.user]!,
      hv = histories[c.target][c.other]!;
    const [su, sv] = [score(d, i, hu), score(o, i, hu)];
    win += su > sv ? 1 : su === sv ? 0.5 : 0;
    const [tv, tu] = [score(o, i, hv), score(d, i, hv)];
    back += tv > tu ? 1 : tv === tu ? 0.5 : 0;
  });
  return { win: win / designs.cases.length, fromOtherSide: back / designs.cases.length };
}
