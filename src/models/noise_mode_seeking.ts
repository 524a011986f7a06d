// MSGAN's mode-seeking term over G's noise input (Mao et al., CVPR 2019; beyond the paper): two
// designs for the same (query, user) drawn with noises z1 and z2 should differ at least in
// proportion to how the noises differ:
//   ratio_i = mean|G(q_i, u_i, z1_i) - G(q_i, u_i, z2_i)| / mean|z1_i - z2_i|
//   L_ms    = mean_i 1 / (ratio_i + eps)
// Without it a conditional G learns to ignore its noise (and averages the complements again).
import * as T from '../torch/index.js';

const EPS = 1e-5;

/** design1, design2 [N, 3, S, S]; noise1, noise2 [N, noiseDim] -> [] float32 */
export function noiseModeSeekingLoss(design1: T.Tensor, design2: T.Tensor, noise1: T.Tensor, noise2: T.Tensor): T.Tensor {
  const n = design1.size(0);
  const f32 = (x: T.Tensor) => T.toDtype(x, 'float32');
  const dImg = T.mean(T.reshape(T.abs(T.sub(f32(design1), f32(design2))), [n, -1]), [1]); // [N]
  const dZ = T.mean(T.abs(T.sub(f32(noise1), f32(noise2))), [1]); // [N]
  return T.mean(T.reciprocal(T.add(T.div(dImg, T.add(dZ, EPS)), EPS)));
}
