// M's pick: the real item the compatibility model ranks first for a (query, user),
// used as a reconstruction target for G (an option beyond the paper, --lambda-pick).
//
// Why: on the demo world, the test item that M ranks first for (q, u) scores far
// better under the oracle than G's design for (q, u) does (`pfd eval`'s oracle_m_pick,
// docs/training.md "Tenth round"), so F, M and theta_u know more than G draws. The
// data show G one user per query (the outfit's); M's pick says what another user
// should get for the same query, a counterfactual target no outfit gives.
import * as T from '../torch/index.js';
import type { Designer } from './designer.js';

/**
 * For each row i, the index j of the pool item with the highest s_{u_i}(q_i, c_j).
 * users int64 [B], zq [B, latent], zPool [P, latent] -> int64 [B]. No gradient; scored in
 * float32 whatever the model's precision (bf16 scores would tie more often, and ties go to
 * the lowest index).
 */
export function mPicks(model: Designer, users: T.Tensor, zq: T.Tensor, zPool: T.Tensor): T.Tensor {
  return T.tidy(() =>
    T.noGrad(() =>
      T.withPrecision('fp32', zq.device as T.Device, () => {
        const [B, L] = [zq.size(0), zq.size(1)];
        const P = zPool.size(0);
        // theta_u * z_q once per row [B, latent], then against every pool item [B, P, latent]:
        // the products of compatibilityScore, (theta_u * z_q) * z_c, in the same order.
        const tq = T.mul(T.toDtype(model.theta(users), 'float32'), T.toDtype(zq, 'float32'));
        const o = T.mul(T.unsqueeze(tq, 1), T.unsqueeze(T.toDtype(zPool, 'float32'), 0));
        const s = T.reshape(model.metric.forward(T.reshape(o, [B * P, L])), [B, P]); // [B, P]
        return T.argmax(s, 1); // [B]
      }),
    ),
  );
}

/** Rows per mPicks call so that its [rows * P, latent] products stay near 2^16 rows. */
export const pickRowsFor = (poolSize: number): number => Math.max(1, Math.floor(65536 / Math.max(1, poolSize)));
