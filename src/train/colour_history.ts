// Fills a colour-mode model's colour histories (--colour-history, colour_modes.ts) from the
// complements each user chose in a split: counted when training starts, from the training
// split, so the buffers of every snapshot match its data.
import * as T from '../torch/index.js';
import type { SplitImages } from '../data/cache.js';
import { bytesToUnit } from '../data/images.js';
import { binLogFrequencies, colourBins, colourHistory } from '../models/colour_modes.js';
import type { Category, Designer } from '../models/designer.js';

/** The colour bin of every image uint8 [N, 3, S, S] (in chunks, to bound memory) -> N bins. */
export function imageBins(images: T.Tensor, levels: number, chunk = 1024): number[] {
  const out: number[] = [];
  for (let i = 0; i < images.size(0); i += chunk) {
    out.push(...T.tidy(() => colourBins(bytesToUnit(T.narrow(images, 0, i, Math.min(chunk, images.size(0) - i))), levels).toArray()));
  }
  return out;
}

/** The user and the complement's colour bin of each outfit of a split, for category c's complements. */
export function outfitBins(split: SplitImages, c: Category, levels: number): { userOf: number[]; binOf: number[] } {
  const bins = imageBins(c === 'top' ? split.tops : split.bottoms, levels);
  const row = c === 'top' ? split.topRow : split.bottomRow;
  return { userOf: split.outfits.map((o) => o.user), binOf: split.outfits.map((o) => bins[row.get(c === 'top' ? o.top : o.bottom)!]!) };
}

/** Per category the model keeps a history of: the log-frequency of each bin among every user's complements in `split`. */
export function baseFrequencies(model: Designer, split: SplitImages): Map<Category, number[]> {
  return new Map(
    [...model.colourHistories.keys()].map((c) => [
      c,
      binLogFrequencies(outfitBins(split, c, model.config.colourModes!).binOf, model.modes),
    ]),
  );
}

/** Sets model's colour history of each category it designs from `split`'s outfits (a no-op without histories). */
export function fillColourHistory(model: Designer, split: SplitImages): void {
  for (const c of model.colourHistories.keys()) {
    const { userOf, binOf } = outfitBins(split, c, model.config.colourModes!);
    const history = colourHistory(userOf, binOf, model.config.users, model.modes, binLogFrequencies(binOf, model.modes));
    try {
      model.setColourHistory(c, history);
    } finally {
      history.dispose();
    }
  }
}
