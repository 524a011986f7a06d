// DiffAugment (Zhao et al., "Differentiable Augmentation for Data-Efficient GAN Training",
// NeurIPS 2020): D sees every image, real or designed, through the same kind of random,
// differentiable transformation, so that a D trained on a small set of photos (a few thousand
// garments) cannot memorize them, while G still learns the untransformed images (the
// transformations are the same for reals and fakes, and G's gradient flows through them).
//   translation: each image shifted by up to 1/8 of its side, its edges replicated (a product
//                photo's background extends; the paper's code pads with zeros)
//   cutout:      a random square of half the side set to 0 (mid grey in [-1, 1])
// Colour transformations are left out: the designs' colours carry the users' taste.
import * as T from '../torch/index.js';

export const DIFF_AUGMENT_POLICIES = ['none', 'translation', 'translation,cutout'] as const;
export type DiffAugmentPolicy = (typeof DIFF_AUGMENT_POLICIES)[number];

/** x [B, C, H, W] -> the same shape, each image transformed by `policy` (fresh random draws per call). */
export function diffAugment(x: T.Tensor, policy: DiffAugmentPolicy): T.Tensor {
  if (policy === 'none') return x;
  return T.tidy(() => {
    const y = translate(x);
    return policy === 'translation,cutout' ? cutout(y) : y;
  });
}

/** Shifts each image by (dy, dx) in [-S/8, S/8], replicating its edges. */
function translate(x: T.Tensor): T.Tensor {
  const [B, C, H, W] = x.shape as [number, number, number, number];
  const device = x.device,
    sh = Math.round(H / 8),
    sw = Math.round(W / 8);
  const dy = T.randint(-sh, sh + 1, [B, 1, 1], { device }),
    dx = T.randint(-sw, sw + 1, [B, 1, 1], { device });
  const rows = T.clamp(T.add(T.reshape(T.arange(H, undefined, 1, { device }), [1, H, 1]), dy), 0, H - 1); // [B, H, 1]
  const cols = T.clamp(T.add(T.reshape(T.arange(W, undefined, 1, { device }), [1, 1, W]), dx), 0, W - 1); // [B, 1, W]
  const source = T.reshape(T.add(T.mul(rows, W), cols), [B, 1, H * W]); // [B, 1, H*W]: where each pixel comes from
  const flat = T.reshape(T.contiguous(x), [B, C, H * W]);
  return T.reshape(T.gather(flat, 2, T.expand(source, [B, C, H * W])), [B, C, H, W]);
}

/** Sets a random square of half the side of each image to 0. */
function cutout(x: T.Tensor): T.Tensor {
  const [B, , H, W] = x.shape as [number, number, number, number];
  const device = x.device,
    ch = Math.round(H / 2),
    cw = Math.round(W / 2);
  const top = T.sub(T.randint(0, H + (1 - (ch % 2)), [B, 1, 1], { device }), Math.floor(ch / 2)); // [B, 1, 1]
  const left = T.sub(T.randint(0, W + (1 - (cw % 2)), [B, 1, 1], { device }), Math.floor(cw / 2));
  const r = T.reshape(T.arange(H, undefined, 1, { device }), [1, H, 1]),
    c = T.reshape(T.arange(W, undefined, 1, { device }), [1, 1, W]);
  const inRows = T.mul(T.toDtype(T.ge(r, top), 'float32'), T.toDtype(T.lt(r, T.add(top, ch)), 'float32')); // [B, H, 1]
  const inCols = T.mul(T.toDtype(T.ge(c, left), 'float32'), T.toDtype(T.lt(c, T.add(left, cw)), 'float32')); // [B, 1, W]
  const keep = T.unsqueeze(T.add(T.neg(T.mul(inRows, inCols)), 1), 1); // [B, 1, H, W]: 0 inside the square
  return T.mul(x, T.toDtype(keep, x.dtype));
}
