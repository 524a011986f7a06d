// Is the generator copying training items? For each design, the distance in
// feature space to its nearest TRAINING item of the same category, against the
// same distance for the real test items (the ground truths). A ratio near 1
// means designs sit as far from the training set as unseen real items do;
// near 0 means they reproduce training items.
import * as T from '../torch/index.js';

/**
 * Nearest-neighbour L2 distances from rows of a [N, D] to rows of b [M, D] -> [N].
 * exclude[i] (optional): a row of b that does not count for row i (the item itself).
 */
export function nearestDistances(a: T.Tensor, b: T.Tensor, exclude?: number[], chunk = 1024): number[] {
  const out: number[] = [];
  T.tidy(() => {
    const bb = T.sum(T.square(b), [1]); // [M]
    for (let s = 0; s < a.size(0); s += chunk) {
      T.tidy(() => {
        const x = T.narrow(a, 0, s, Math.min(chunk, a.size(0) - s));
        const d2 = T.add(T.sub(T.unsqueeze(T.sum(T.square(x), [1]), 1), T.mul(T.mm(x, T.transpose(b, 0, 1)), 2)), T.unsqueeze(bb, 0)); // [n, M]
        const k = Math.min(2, b.size(0));
        const [vals, idx] = T.callOp('aten::topk', d2, k, 1, false, true) as [T.Tensor, T.Tensor]; // two smallest [n, k]
        const v = vals.toArray(),
          ix = idx.toArray();
        for (let i = 0; i < x.size(0); i++) {
          const skipFirst = exclude !== undefined && exclude[s + i] === ix[i * k] && k > 1;
          out.push(Math.sqrt(Math.max(0, v[i * k + (skipFirst ? 1 : 0)]!)));
        }
      });
    }
  });
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
