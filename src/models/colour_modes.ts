// Colour modes (an option beyond the paper, `--colour-modes L`): G's design modes are the
// L x L x L bins of an item's mean colour, and a small head of G predicts which bin a
// (query, user) gets, trained as a classifier.
//
// Why: design modes chosen by M through F(design) (design_modes.ts) did not move the oracle's
// taste: the modes stayed shades of one colour, and M scores generated images barely better
// than chance under the oracle (docs/training.md, thirteenth round). Colour is where G loses
// the user's taste (twelfth round), and the reason is averaging: G trained by L1 toward the
// complements a user chose draws the median of their colours. A categorical head trained by
// cross-entropy learns the distribution of the colour instead, and its argmax is the most
// likely colour for that user and query, not a mix. In training G draws each design in the
// bin of its target (teacher forcing: the L1 term then asks for a design of that colour);
// when designing, in the bin the head ranks first.
import * as T from '../torch/index.js';

/** Pixels lighter than this in every channel (in [0, 1]) are background (the white the items are padded on). */
export const BACKGROUND = 0.9;

/**
 * The colour bin of each image [B, 3, S, S] in [-1, 1]: the mean colour of its foreground
 * pixels (all pixels when it has none), each channel cut into `levels` equal steps, bin =
 * (r * levels + g) * levels + b. -> int64 [B] in [0, levels^3). No gradient.
 */
export function colourBins(images: T.Tensor, levels: number): T.Tensor {
  return T.tidy(() => T.noGrad(() => {
    const x = T.div(T.add(T.toDtype(images, 'float32'), 1), 2); // [B, 3, S, S] in [0, 1]
    const fg = T.toDtype(T.lt(T.minDim(x, 1, true)[0], BACKGROUND), 'float32'); // [B, 1, S, S]
    const count = T.sum(fg, [2, 3]); // [B, 1]
    const hasFg = T.gt(count, 0); // [B, 1]
    const fgMean = T.div(T.sum(T.mul(x, fg), [2, 3]), T.clamp(count, 1)); // [B, 3]
    const mean = T.where(hasFg, fgMean, T.mean(x, [2, 3])); // [B, 3]
    const q = T.toDtype(T.clamp(T.floor(T.mul(mean, levels)), 0, levels - 1), 'int64'); // [B, 3]
    const [r, g, b] = [0, 1, 2].map((c) => T.select(q, 1, c)) as [T.Tensor, T.Tensor, T.Tensor];
    return T.add(T.mul(T.add(T.mul(r, levels), g), levels), b);
  }));
}

/** The modes of a model with `levels` colour levels per channel. */
export const colourModeCount = (levels: number): number => levels ** 3;
