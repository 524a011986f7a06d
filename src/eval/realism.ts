// Realism read against what real items score, in one feature space (the domain net's):
//   floorSet     for each evaluated case, a TRAINING complement of the same user and the same
//                category: what a generator that reproduced the users' real complements would
//                draw. FID(floorSet, truths) is the real-vs-real floor at the same n, so a
//                design FID is read as a ratio to it; random catalog items of the right
//                category (randomSet) give the other end of the scale.
//   precisionRecall  improved precision and recall (Kynkaenniemi et al., NeurIPS 2019): each
//                real feature's k-th nearest real neighbour sets a radius; precision = the share
//                of generated samples inside some real sample's ball, recall = the share of real
//                samples inside some generated sample's ball (radii from the generated set).
import * as T from '../torch/index.js';
import type { SplitImages } from '../data/cache.js';
import { splitItemBytes } from '../data/cache.js';
import { bytesToUnit } from '../data/images.js';
import { Rng } from '../data/rng.js';
import type { EvalCase } from './designs.js';

/** Squared Euclidean distances between rows of a [N, D] and b [M, D] -> [N, M] (float64 for stable near-ties). */
function squaredDistances(a: T.Tensor, b: T.Tensor): T.Tensor {
  const [x, y] = [T.toDtype(a, 'float64'), T.toDtype(b, 'float64')];
  const xx = T.sum(T.mul(x, x), [1], true),
    yy = T.sum(T.mul(y, y), [1], true); // [N, 1], [M, 1]
  return T.clamp(T.add(T.sub(xx, T.mul(T.matmul(x, T.transpose(y, 0, 1)), 2)), T.transpose(yy, 0, 1)), 0); // [N, M]
}

/** Each row's squared distance to its k-th nearest other row of the same set [N]. */
function kthNeighbourRadii(f: T.Tensor, k: number): T.Tensor {
  const d = squaredDistances(f, f); // [N, N], the diagonal 0 (itself)
  // The (k+1)-th smallest counts the row itself (distance 0) first.
  return T.kthValue(d, k + 1, 1)[0];
}

/** Share of rows of `x` [N, D] within some row of `ref` [M, D]'s ball (radii [M], squared). */
function coveredShare(x: T.Tensor, ref: T.Tensor, radii: T.Tensor): number {
  const margin = T.minDim(T.sub(squaredDistances(x, ref), T.unsqueeze(radii, 0)), 1)[0]; // [N] <= 0 inside some ball
  return T.mean(T.toDtype(T.le(margin, 0), 'float32')).item();
}

/** Improved precision and recall of generated features `fake` [N, D] against real ones `real` [M, D], k nearest neighbours. */
export function precisionRecall(fake: T.Tensor, real: T.Tensor, k = 3): { precision: number; recall: number } {
  if (fake.size(0) <= k || real.size(0) <= k)
    throw new Error(`precision/recall with k = ${k} needs more than ${k} samples in each set (got ${fake.size(0)} and ${real.size(0)})`);
  return T.tidy(() => ({
    precision: coveredShare(fake, real, kthNeighbourRadii(real, k)),
    recall: coveredShare(real, fake, kthNeighbourRadii(fake, k)),
  }));
}

/** Training complements per (user, category), in dataset item indices. */
function trainComplements(train: SplitImages): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const o of train.outfits) {
    for (const [c, item] of [
      ['top', o.top],
      ['bottom', o.bottom],
    ] as const) {
      const key = `${o.user}:${c}`;
      by.set(key, [...(by.get(key) ?? []), item]);
    }
  }
  return by;
}

/**
 * The floor set: for each case, a training complement of the case's user and designed category
 * (drawn with the seed), as images [N, 3, S, S] in [-1, 1]. A user without training items of
 * that category takes a random training item of it.
 */
export function floorImages(cases: readonly EvalCase[], train: SplitImages, seed: number, device: T.Device): T.Tensor {
  const rng = new Rng(seed, 'real-floor');
  const by = trainComplements(train);
  const all = { top: [...train.topRow.keys()], bottom: [...train.bottomRow.keys()] };
  const items = cases.map((c) => {
    const pool = by.get(`${c.user}:${c.target}`) ?? all[c.target];
    return { target: c.target, item: pool[rng.int(pool.length)]! };
  });
  return imagesOf(items, train, device);
}

/** For each case, a random training item of its designed category (drawn with the seed) [N, 3, S, S]. */
export function randomItemImages(cases: readonly EvalCase[], train: SplitImages, seed: number, device: T.Device): T.Tensor {
  const rng = new Rng(seed, 'random-items');
  const all = { top: [...train.topRow.keys()], bottom: [...train.bottomRow.keys()] };
  return imagesOf(
    cases.map((c) => ({ target: c.target, item: all[c.target][rng.int(all[c.target].length)]! })),
    train,
    device,
  );
}

/** Images of dataset items, in the order given [N, 3, S, S]. */
function imagesOf(items: { target: 'top' | 'bottom'; item: number }[], train: SplitImages, device: T.Device): T.Tensor {
  return T.tidy(() => {
    const out: T.Tensor[] = items.map(() => null as unknown as T.Tensor);
    for (const cat of ['top', 'bottom'] as const) {
      const rows = items.map((x, i) => (x.target === cat ? i : -1)).filter((i) => i >= 0);
      if (!rows.length) continue;
      const x = bytesToUnit(
        T.toDevice(
          splitItemBytes(
            train,
            cat,
            rows.map((i) => items[i]!.item),
          ),
          device,
        ),
      ); // [n, 3, S, S]
      rows.forEach((i, j) => {
        out[i] = T.select(x, 0, j);
      });
    }
    return T.stack(out, 0);
  });
}
