// Colour modes (an option beyond the paper, `--colour-modes L`): G's design modes are the
// L x L x L bins of an item's mean colour, and a small head of G predicts which bin a
// (query, user) gets, trained as a classifier.
//
// Why: design modes chosen by M through F(design) (retired; docs/experiments/13-colour-modes.md)
// did not move the oracle's taste: the modes stayed shades of one colour, and M scores generated
// images barely better than chance under the oracle. Colour is where G loses
// the user's taste (twelfth round), and the reason is averaging: G trained by L1 toward the
// complements a user chose draws the median of their colours. A categorical head trained by
// cross-entropy learns the distribution of the colour instead, and its argmax is the most
// likely colour for that user and query, not a mix. In training G draws each design in the
// bin of its target (teacher forcing: the L1 term then asks for a design of that colour);
// when designing, in the bin the head ranks first.
import * as T from '../torch/index.js';

/** Pixels lighter than this in every channel (in [0, 1]) are background (the white the items are padded on). */
export const BACKGROUND = 0.9;

/** The foreground of images [B, 3, S, S] in [-1, 1]: 1 where a pixel is darker than BACKGROUND in some channel. -> float32 [B, 1, S, S], no gradient. */
export function foregroundMask(images: T.Tensor): T.Tensor {
  return T.noGrad(() => T.toDtype(T.lt(T.minDim(T.toDtype(images, 'float32'), 1, true)[0], BACKGROUND * 2 - 1), 'float32'));
}

/**
 * The mean colour [B, 3] in [0, 1] of each image's foreground pixels (all pixels when it has
 * none), images [B, 3, S, S] in [-1, 1]; `mask` [B, 1, S, S] (1 = foreground) instead of the
 * images' own foreground when given. Differentiable in the colours; the mask carries no
 * gradient (it is a threshold).
 */
export function meanForegroundColour(images: T.Tensor, mask?: T.Tensor): T.Tensor {
  const x = T.div(T.add(T.toDtype(images, 'float32'), 1), 2); // [B, 3, S, S] in [0, 1]
  const fg = mask ? T.detach(mask) : foregroundMask(images); // [B, 1, S, S]
  const count = T.sum(fg, [2, 3]); // [B, 1]
  const fgMean = T.div(T.sum(T.mul(x, fg), [2, 3]), T.clamp(count, 1)); // [B, 3]
  return T.where(T.gt(count, 0), fgMean, T.mean(x, [2, 3])); // [B, 3]
}

/**
 * The colour bin of each image [B, 3, S, S] in [-1, 1]: its mean foreground colour
 * (meanForegroundColour), each channel cut into `levels` equal steps, bin =
 * (r * levels + g) * levels + b. -> int64 [B] in [0, levels^3). No gradient.
 */
export function colourBins(images: T.Tensor, levels: number): T.Tensor {
  return T.tidy(() =>
    T.noGrad(() => {
      const q = T.toDtype(T.clamp(T.floor(T.mul(meanForegroundColour(images), levels)), 0, levels - 1), 'int64'); // [B, 3]
      const [r, g, b] = [0, 1, 2].map((c) => T.select(q, 1, c)) as [T.Tensor, T.Tensor, T.Tensor];
      return T.add(T.mul(T.add(T.mul(r, levels), g), levels), b);
    }),
  );
}

/**
 * How far each design's mean foreground colour lies outside the colour box of its bin, bins
 * int64 [B] (--mode-colour, beyond the paper): per channel, the distance below the box's lower
 * edge or above its upper edge, each inner edge moved a quarter of a step inward (so that the
 * colour settles inside rather than on an edge), summed over channels, mean over the batch.
 * designs [B, 3, S, S] in [-1, 1] -> [] float32; zero when every design is well inside its bin.
 * mask [B, 1, S, S]: the pixels whose mean is taken (default: the designs' own foreground; with
 * it, colouring a few background pixels also moves the mean, and G learned to: smudges under
 * the hems, docs/training.md, fourteenth round).
 * Why: trained only with teacher-forced bins (the target's own), G can ignore its mode, since
 * the target's colour is in its L1 term anyway; on the shipped model only 17% of the designs
 * drawn in each bin landed in it (docs/training.md, fourteenth round).
 */
export function binColourLoss(designs: T.Tensor, bins: T.Tensor, levels: number, mask?: T.Tensor): T.Tensor {
  const mean = meanForegroundColour(designs, mask); // [B, 3]
  const idx = T.noGrad(() => {
    const L = levels;
    const k = T.toDtype(bins, 'float32'); // [B], small integers: exact in float32
    const r = T.floor(T.div(k, L * L));
    const rest = T.sub(k, T.mul(r, L * L));
    const g = T.floor(T.div(rest, L));
    return T.stack([r, g, T.sub(rest, T.mul(g, L))], 1); // [B, 3] channel levels
  });
  // A quarter step in from inner edges only: 0 and 1 are colours of the outer bins (black, white, red...).
  const margin = 0.25 / levels;
  const lo = T.add(T.div(idx, levels), T.mul(T.toDtype(T.gt(idx, 0), 'float32'), margin)); // [B, 3]
  const hi = T.sub(T.div(T.add(idx, 1), levels), T.mul(T.toDtype(T.lt(idx, levels - 1), 'float32'), margin)); // [B, 3]
  const outside = T.add(T.relu(T.sub(lo, mean)), T.relu(T.sub(mean, hi))); // [B, 3]
  return T.mean(T.sum(outside, [1]));
}

/** Uniformly random colour bins int64 [B] of a model with `levels` levels per channel. */
export function randomBins(B: number, levels: number, device: T.Device): T.Tensor {
  return T.randint(0, colourModeCount(levels), [B], { dtype: 'int64', device });
}

/** The modes of a model with `levels` colour levels per channel. */
export const colourModeCount = (levels: number): number => levels ** 3;

/** The add-one smoothed log-frequency of each of `modes` colour bins among `bins` -> number[modes]. */
export function binLogFrequencies(bins: readonly number[], modes: number): number[] {
  const counts = new Array<number>(modes).fill(1);
  for (const b of bins) {
    if (!(b >= 0 && b < modes)) throw new Error(`binLogFrequencies: bin ${b} is not in [0, ${modes})`);
    counts[b]!++;
  }
  return counts.map((c) => Math.log(c / (bins.length + modes)));
}

/** Pseudo-outfits of the base frequencies in each user's colour history: a user with few outfits stays near everyone's. */
export const HISTORY_PRIOR_OUTFITS = 27;

/**
 * Each user's colour history (--colour-history): for `users` users, the lift of each of the
 * `modes` colour bins among the complements they chose, log p(bin | user) - base[bin], where
 * base is the log-frequency of the bins among everyone's complements (binLogFrequencies) and
 * p(bin | user) = (count + m exp(base[bin])) / (n + m), the user's n outfits smoothed toward
 * everyone's by m = HISTORY_PRIOR_OUTFITS pseudo-outfits: a bin the user never chose has a
 * negative lift (log(m / (n + m))), and a user without outfits lift 0 everywhere. userOf[i],
 * binOf[i]: the user and the complement's bin of outfit i. -> float32 [users, modes].
 * Why: on the demo world the head's first bin matches a user's taste less than the bins the
 * user chose more often than others do (docs/training.md, fourteenth round): the head sees the
 * user only through theta_u, learned by M for ranking outfits, while the counts are that user's
 * colours directly. The lift, not the frequency: the head already knows which colours are
 * common for everyone, and the frequency alone would pull every user toward those bins (the
 * designs' colours, and IS, then collapse onto a few popular bins).
 */
export function colourHistory(
  userOf: readonly number[],
  binOf: readonly number[],
  users: number,
  modes: number,
  base: readonly number[],
): T.Tensor {
  if (userOf.length !== binOf.length) throw new Error(`colourHistory: ${userOf.length} users for ${binOf.length} bins`);
  if (base.length !== modes) throw new Error(`colourHistory: ${base.length} base frequencies for ${modes} bins`);
  const counts = new Float64Array(users * modes),
    n = new Float64Array(users);
  userOf.forEach((u, i) => {
    const b = binOf[i]!;
    if (!(u >= 0 && u < users && b >= 0 && b < modes))
      throw new Error(`colourHistory: outfit ${i} has user ${u} (of ${users}) and bin ${b} (of ${modes})`);
    counts[u * modes + b]!++;
    n[u]!++;
  });
  const m = HISTORY_PRIOR_OUTFITS;
  const out = new Float32Array(users * modes);
  for (let u = 0; u < users; u++) {
    for (let b = 0; b < modes; b++) {
      const p = Math.exp(base[b]!);
      out[u * modes + b] = Math.log((counts[u * modes + b]! + m * p) / (n[u]! + m)) - base[b]!;
    }
  }
  return T.tensor(out, { shape: [users, modes] });
}
