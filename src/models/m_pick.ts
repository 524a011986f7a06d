// M's pick: the real item the compatibility model ranks first for a (query, user),
// used as a reconstruction target for G (an option beyond the paper, --lambda-pick).
//
// Why: on the demo world, the catalog item that M ranks first for (q, u) scores far
// better under the oracle than G's design for (q, u) does (`pfd eval`'s oracle_m_pick:
// compat 0.796 vs 0.716, taste 0.542 vs 0.505, personal win 0.716 vs 0.601 for the
// pretrained model), so F, M and theta_u know more than G draws. The data show G one
// user per query (the outfit's); M's pick says what another user should get for the
// same query, a counterfactual target no outfit gives. The pool is the batch's own real
// complements (positives and negatives): no extra images are read.
import * as T from '../torch/index.js';
import type { Designer } from './designer.js';

/**
 * For each row i, the index j of the pool item with the highest s_{u_i}(q_i, c_j).
 * users int64 [B], zq [B, latent], zPool [P, latent] -> int64 [B]. No gradient.
 */
export function mPicks(model: Designer, users: T.Tensor, zq: T.Tensor, zPool: T.Tensor): T.Tensor {
  return T.tidy(() => T.noGrad(() => {
    const [B, L] = [zq.size(0), zq.size(1)];
    const P = zPool.size(0);
    // Every (row, pool item) pair: theta_u * z_q repeated P times against the pool [B * P, latent]
    const rows = T.reshape(T.expand(T.unsqueeze(zq, 1), [B, P, L]), [B * P, L]);
    const who = T.reshape(T.expand(T.unsqueeze(users, 1), [B, P]), [B * P]);
    const pool = T.reshape(T.expand(T.unsqueeze(zPool, 0), [B, P, L]), [B * P, L]);
    const s = T.reshape(model.score(who, rows, pool), [B, P]); // [B, P]
    return T.argmax(s, 1); // [B]
  }));
}
