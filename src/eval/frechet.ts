// The Frechet distance between two Gaussians fitted to feature sets (FID):
//   d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))
// in float64. tr((S1 S2)^(1/2)) is computed as the sum of square roots of the
// eigenvalues of S1^(1/2) S2 S1^(1/2), a symmetric PSD matrix with the same
// spectrum as S1 S2: real by construction, with tiny negative eigenvalues from
// rounding clamped to 0. This equals scipy.linalg.sqrtm's trace where that is
// well defined, and never turns complex or NaN.
import * as T from '../torch/index.js';

export interface FeatureStats {
  mu: T.Tensor; // [D] float64
  sigma: T.Tensor; // [D, D] float64, unbiased (N - 1), as numpy.cov(rowvar=False)
  n: number;
  dim: number;
}

/** Mean and covariance of features [N, D] (kept; dispose() them). */
export function featureStats(features: T.Tensor): FeatureStats {
  const [n, dim] = features.shape as [number, number];
  if (n < 2) throw new Error(`featureStats: need at least 2 samples, got ${n}`);
  return T.tidy(() => {
    const x = T.toDtype(features, 'float64');
    const mu = T.mean(x, [0]);
    const c = T.sub(x, mu);
    const sigma = T.div(T.mm(T.transpose(c, 0, 1), c), n - 1);
    return { mu: T.keep(mu), sigma: T.keep(sigma), n, dim };
  });
}

function symmetricSqrt(s: T.Tensor): T.Tensor {
  const [vals, vecs] = T.callOp('aten::linalg_eigh', s, 'L') as [T.Tensor, T.Tensor];
  const root = T.sqrt(T.clamp(vals, 0, null));
  return T.mm(T.mul(vecs, root), T.transpose(vecs, 0, 1)); // V diag(sqrt(l)) V^T
}

export interface FrechetResult {
  value: number;
  /** Set when a side has fewer samples than feature dimensions + 1: its covariance is singular and the value is not comparable. */
  warning?: string;
}

export function frechetDistance(a: FeatureStats, b: FeatureStats): FrechetResult {
  if (a.dim !== b.dim) throw new Error(`frechetDistance: feature dimensions differ (${a.dim} vs ${b.dim})`);
  const value = T.tidy(() => {
    const diff = T.sub(a.mu, b.mu);
    const r1 = symmetricSqrt(a.sigma);
    const m = T.mm(T.mm(r1, b.sigma), r1);
    const sym = T.mul(T.add(m, T.transpose(m, 0, 1)), 0.5); // exact symmetry for eigh
    const [vals] = T.callOp('aten::linalg_eigh', sym, 'L') as [T.Tensor, T.Tensor];
    const trSqrt = T.sum(T.sqrt(T.clamp(vals, 0, null)));
    const tr = (s: T.Tensor) => T.sum(T.callOp('aten::diagonal', s, 0, 0, 1) as T.Tensor);
    return T.sum(T.square(diff)).item() + tr(a.sigma).item() + tr(b.sigma).item() - 2 * trSqrt.item();
  });
  const small = [a, b].filter((s) => s.n < s.dim + 1).map((s) => s.n);
  const result: FrechetResult = { value: Math.max(0, value) };
  if (small.length) {
    result.warning = `only ${Math.min(...small)} samples for ${a.dim}-d features: the covariance is singular, so this FID is biased and not comparable with others (use at least ${a.dim + 1} samples; thousands for published numbers)`;
  }
  return result;
}
