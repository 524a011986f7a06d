// Inception Score (Salimans et al. 2016) as torch-fidelity computes it: class
// probabilities from logits (float64 softmax), samples shuffled with a fixed
// seed, `splits` consecutive chunks [i N / s, (i + 1) N / s), per chunk
//   IS_i = exp( mean_x KL(p(y|x) || p(y)) ),  p(y) = the chunk's mean p(y|x)
// reported as mean and (population) standard deviation over chunks.
import * as T from '../torch/index.js';
import { Rng } from '../data/rng.js';

export interface ScoreWithSpread {
  mean: number;
  std: number;
  splits: number[];
}

/** logits [N, K] -> IS over `splits` chunks; seed null keeps the given order. */
export function inceptionScore(logits: T.Tensor, splits = 10, seed: number | null = 2020): ScoreWithSpread {
  const n = logits.size(0);
  if (n < splits) throw new Error(`inceptionScore: ${n} samples cannot make ${splits} splits`);
  const identity = Array.from({ length: n }, (_, i) => i);
  const order = seed === null ? identity : new Rng(seed, 'inception-score').shuffle(identity);
  const scores = T.tidy(() => {
    const x = T.indexSelect(T.toDtype(logits, 'float64'), 0, T.tensor(order, { dtype: 'int64' }));
    const logp = T.logSoftmax(x, 1),
      p = T.exp(logp);
    return Array.from({ length: splits }, (_, i) => {
      const a = Math.floor((i * n) / splits),
        b = Math.floor(((i + 1) * n) / splits);
      const pc = T.narrow(p, 0, a, b - a),
        lc = T.narrow(logp, 0, a, b - a);
      const logq = T.log(T.mean(pc, [0], true));
      return Math.exp(T.mean(T.sum(T.mul(pc, T.sub(lc, logq)), [1])).item());
    });
  });
  return { ...meanStd(scores), splits: scores };
}

export function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
}
