// Fills a colour-mode model's colour histories (--colour-history, colour_modes.ts) from the
// complements each user chose in a split: counted when training starts, from the training
// split, so the buffers of every snapshot match its data.
import * as T from '../torch/index.js';
import type { SplitImages } from '../data/cache.js';
import { bytesToUnit } from '../data/images.js';
import { colourBins, colourHistory } from '../models/colour_modes.js';
import type { Category, Designer } from '../models/designer.js';

/** The colour bin of every image uint8 [N, 3, S, S] (in chunks, to bound memory) -> N bins. */
export function imageBins(images: T.Tensor, levels: number, chunk = 1024): number[] {
  const out: number[] = [];
  for (let i = 0; i < images.size(0); i += chunk) {
    out.push(...T.tidy(() => colourBins(bytesToUnit(T.narrow(images, 0, i, Math.min(chunk, images.size(0) - i))), levels).toArray()));
  }
  return out;
}

/** Sets model's colour history of each category it designs from `split`'s outfits (a no-op without histories). */
export function fillColourHistory(model: Designer, split: SplitImages): void {
  if (model.colourHistories.size === 0) return;
  const levels = model.config.colourModes!;
  for (const c of model.colourHistories.keys() as Iterable<Category>) {
    const bins = imageBins(c === 'top' ? split.tops : split.bottoms, levels);
    const row = c === 'top' ? split.topRow : split.bottomRow;
    const outfits = split.outfits;
    const history = colourHistory(outfits.map((o) => o.user), outfits.map((o) => bins[row.get(c === 'top' ? o.top : o.bottom)!]!), model.config.users, model.modes);
    try {
      model.setColourHistory(c, history);
    } finally {
      history.dispose();
    }
  }
}
