// The compatibility losses of the paper.
//   Eq. 10 (BPR, for F, M and theta_u):
//     L_FM = -E[ln sigmoid(s+ - s-)] + lambda * ||theta_FM||^2
//   Eq. 11 (for the decoder G: designed outfits o* should score like positives o+):
//     L_G^FM = 1/2 E[(s+ - E s*)^2] + 1/2 E[(s* - E s+)^2]
import * as T from '../torch/index.js';

/** sPos, sNeg [N]; regularized: the parameters of F and M (theta_u is learned but not in theta_FM, as Eq. 10). */
export function bprLoss(sPos: T.Tensor, sNeg: T.Tensor, regularized: T.Tensor[] = [], lambda = 1e-6): T.Tensor {
  const rank = T.neg(T.mean(T.logSigmoid(T.sub(sPos, sNeg))));
  if (!lambda || regularized.length === 0) return rank;
  const l2 = regularized.map((p) => T.sum(T.square(p))).reduce((a, b) => T.add(a, b));
  return T.add(rank, T.mul(l2, lambda));
}

/** sPos (positive outfits), sStar (designed outfits) [N] */
export function generatorCompatLoss(sPos: T.Tensor, sStar: T.Tensor): T.Tensor {
  const a = T.mean(T.square(T.sub(sPos, T.mean(sStar))));
  const b = T.mean(T.square(T.sub(sStar, T.mean(sPos))));
  return T.mul(T.add(a, b), 0.5);
}

/**
 * Eq. 11 measured in units of the positives' score spread once it exceeds 1:
 * both scores divided by max(1, std(sPos)) (detached, unbiased std). BPR leaves
 * the score scale free to grow; this keeps lambda1's weight constant as it does.
 */
export function generatorCompatLossScaled(sPos: T.Tensor, sStar: T.Tensor): T.Tensor {
  const scale = T.clamp(T.detach(T.std(sPos)), 1, null);
  return generatorCompatLoss(T.div(sPos, scale), T.div(sStar, scale));
}

/** Eq. 11 in the given units: 'none' as printed, 'positive-std' scaled by the positives' spread. */
export function generatorCompatTerm(scale: 'none' | 'positive-std', sPos: T.Tensor, sStar: T.Tensor): T.Tensor {
  return scale === 'positive-std' ? generatorCompatLossScaled(sPos, sStar) : generatorCompatLoss(sPos, sStar);
}
