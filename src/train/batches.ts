// Turns the sampler's index batches into image tensors for Algorithm 1, from
// the split's uint8 image cache (no decoding during training).
import * as T from '../torch/index.js';
import { splitItemBytes, type SplitImages } from '../data/cache.js';
import type { OutfitBatch } from '../data/sampler.js';
import { bytesToUnit } from '../data/images.js';
import type { Category } from '../models/designer.js';

/** One batch of images in [-1, 1], all [B, 3, S, S], and users int64 [B]. */
export interface ImageBatch {
  target: Category; // the category designed in this batch (that of `positive`)
  users: T.Tensor;
  query: T.Tensor; // x_q+
  positive: T.Tensor; // x_c+
  negQuery: T.Tensor; // x_q- (= x_q+ for kind-1 negatives)
  negComplement: T.Tensor; // x_c-
  swapComplement?: T.Tensor; // x_c' (--swap-extra): the complement of another of the user's outfits, scored with x_q+
  pickPool?: T.Tensor; // [N, 3, S, S] (--pick-pool): more random complements among which M picks
}

/** The batch with every image through f (e.g. to the model's memory layout); users unchanged. */
export function inLayout(b: ImageBatch, f: (x: T.Tensor) => T.Tensor): ImageBatch {
  return {
    ...b,
    query: f(b.query),
    positive: f(b.positive),
    negQuery: f(b.negQuery),
    negComplement: f(b.negComplement),
    ...(b.swapComplement ? { swapComplement: f(b.swapComplement) } : {}),
    ...(b.pickPool ? { pickPool: f(b.pickPool) } : {}),
  };
}

/** Images in [-1, 1] on `device` for one sampler batch. Tensors belong to the caller's scope. */
export function imageBatch(images: SplitImages, b: OutfitBatch, device: T.Device = 'cpu'): ImageBatch {
  const [q, c] = b.direction === 'top2bottom' ? (['top', 'bottom'] as const) : (['bottom', 'top'] as const);
  // uint8 to the device, then to floats there. [B, 3, S, S]
  const take = (category: 'top' | 'bottom', ids: Int32Array) => bytesToUnit(T.toDevice(splitItemBytes(images, category, ids), device));
  return {
    target: c,
    users: T.toDevice(T.tensor(Array.from(b.users), { dtype: 'int64' }), device),
    query: take(q, b.query),
    positive: take(c, b.positive),
    negQuery: take(q, b.negQuery),
    negComplement: take(c, b.negComplement),
    ...(b.swapComplement ? { swapComplement: take(c, b.swapComplement) } : {}),
    ...(b.pickPool ? { pickPool: take(c, b.pickPool) } : {}),
  };
}
