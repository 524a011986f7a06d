// Turns the sampler's index batches into image tensors for Algorithm 1, from
// the split's uint8 image cache (no decoding during training).
import * as T from '../torch/index.js';
import type { SplitImages } from '../data/cache.js';
import type { OutfitBatch } from '../data/sampler.js';
import { bytesToUnit } from '../data/images.js';
import type { ImageBatch } from './algorithm1.js';

function rows(map: Map<number, number>, ids: Int32Array, what: string): T.Tensor {
  const r = new Array<number>(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const row = map.get(ids[i]!);
    if (row === undefined) throw new Error(`batch: ${what} item ${ids[i]} has no cached image`);
    r[i] = row;
  }
  return T.tensor(r, { dtype: 'int64' });
}

/** Images in [-1, 1] on `device` for one sampler batch. Tensors belong to the caller's scope. */
export function imageBatch(images: SplitImages, b: OutfitBatch, device: T.Device = 'cpu'): ImageBatch {
  const topQuery = b.direction === 'top2bottom';
  const [qImgs, qRow] = topQuery ? [images.tops, images.topRow] : [images.bottoms, images.bottomRow];
  const [cImgs, cRow] = topQuery ? [images.bottoms, images.bottomRow] : [images.tops, images.topRow];
  const take = (src: T.Tensor, map: Map<number, number>, ids: Int32Array, what: string) =>
    bytesToUnit(T.toDevice(T.indexSelect(src, 0, rows(map, ids, what)), device)); // [B, 3, S, S]
  return {
    target: topQuery ? 'bottom' : 'top',
    users: T.toDevice(T.tensor(Array.from(b.users), { dtype: 'int64' }), device),
    query: take(qImgs, qRow, b.query, 'query'),
    positive: take(cImgs, cRow, b.positive, 'positive'),
    negQuery: take(qImgs, qRow, b.negQuery, 'negative query'),
    negComplement: take(cImgs, cRow, b.negComplement, 'negative complement'),
  };
}
