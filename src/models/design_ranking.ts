// A ranking term on G's designs through the compatibility model (an option beyond
// the paper). Eq. 11 asks only that designed outfits score like the positives on
// average; nothing in it asks that a design score higher with *its own* query and
// user than the designs G makes for other queries or other users do, which is what
// "follows the query" and "personal" mean (the own-query advantage and personal win
// of `pfd eval`). With M, F and theta_u fixed, for each row i and another row j:
//   s_own   = s_{u_i}(q_i, G(q_i, u_i))
//   s_query = s_{u_i}(q_i, G(q_j, u_i))   the same user's design for another query
//   s_user  = s_{u_i}(q_i, G(q_i, u_j))   another user's design for this query
//   L_rank  = a BPR(s_own, s_query) + (1 - a) BPR(s_own, s_user),  a = the query's share (1/2 by default)
// BPR as Eq. 10, -mean ln sigmoid(s_own - s_other), over the rows whose partner
// differs (a duplicate query or user asks for nothing). Both sides carry gradient:
// each design is pulled towards its own (query, user) and away from the others'.
import * as T from '../torch/index.js';

export interface DesignRanking {
  loss: T.Tensor; // [] L_rank
  queryWin: T.Tensor; // [] share of valid rows with s_own > s_query
  userWin: T.Tensor; // [] share of valid rows with s_own > s_user
}

/** Mean over the rows where valid [N] (0/1 float) is 1; 0 when none is. */
function maskedMean(x: T.Tensor, valid: T.Tensor): T.Tensor {
  return T.div(T.sum(T.mul(x, valid)), T.clamp(T.sum(valid), 1));
}

/**
 * sOwn, sQuery, sUser [N] (scores under each row's own user and query);
 * queryDiffers, userDiffers [N] bool: whether row i's partner has another query / user.
 * With no user term (user-unaware models, or queryShare 1), pass sUser = null: L_rank is the
 * query term alone. queryShare in [0, 1] weighs the query term against the user term.
 */
export function designRankingLoss(
  sOwn: T.Tensor,
  sQuery: T.Tensor,
  sUser: T.Tensor | null,
  queryDiffers: T.Tensor,
  userDiffers: T.Tensor | null,
  queryShare = 0.5,
): DesignRanking {
  const own = T.toDtype(sOwn, 'float32');
  const term = (other: T.Tensor, differs: T.Tensor) => {
    const valid = T.toDtype(differs, 'float32'); // [N]
    const margin = T.sub(own, T.toDtype(other, 'float32')); // [N]
    return { bpr: maskedMean(T.neg(T.logSigmoid(margin)), valid), win: T.detach(maskedMean(T.toDtype(T.gt(margin, 0), 'float32'), valid)) };
  };
  const q = term(sQuery, queryDiffers);
  if (!sUser || !userDiffers) return { loss: q.bpr, queryWin: q.win, userWin: T.scalarTensor(NaN) };
  const u = term(sUser, userDiffers);
  return { loss: T.add(T.mul(q.bpr, queryShare), T.mul(u.bpr, 1 - queryShare)), queryWin: q.win, userWin: u.win };
}
