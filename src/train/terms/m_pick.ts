// M's picks as G's targets (beyond the paper; m_pick.ts): for the designs the data never pair
// (the next row's user for this row's query; with a query share a, also this user for the next
// row's query), an L1 term to the real complement that the fixed M ranks first for that
// (query, user) among the batch's positives, negatives and --pick-pool random complements
// (docs/experiments/10-lambda-pick.md, 11-finetune-pick-pool.md):
//   (1 - a) |G(q_i, u_{i+1}) - pick(q_i, u_{i+1})| + a |G(q_{i+1}, u_i) - pick(q_{i+1}, u_i)|
import * as T from '../../torch/index.js';
import { mPicks } from '../../models/m_pick.js';
import { nextRow } from '../../models/query_mode_seeking.js';
import type { ImageBatch } from '../batches.js';
import { defineTerm } from './term.js';

/** M's pick's candidates: the batch's positives (withPositives), negative complements and pickPool. [(B +) B (+ N), 3, S, S] */
function candidates(b: ImageBatch, withPositives: boolean): T.Tensor {
  return T.cat([...(withPositives ? [b.positive] : []), b.negComplement, ...(b.pickPool ? [b.pickPool] : [])], 0);
}

export const mPickTerm = defineTerm({
  name: 'm-pick',
  summary: "L1 from another user's (and query's) design to the real complement M ranks first for it",
  settings: [
    {
      key: 'lambdaPick',
      flag: 'lambda-pick',
      min: 0,
      default: 0,
      help: "weight of an L1 term in G's step from another user's design for the row's query to the batch's real complement that M ranks first for that user and query (M's pick); 0 = off (the paper)",
    },
    {
      key: 'pickQueryShare',
      flag: 'pick-query-share',
      min: 0,
      max: 1,
      default: 0,
      help: "the share of --lambda-pick's term given to the same user's design for another row's query (and M's pick for it); the rest: the other user's design for the row's query",
    },
    {
      key: 'pickPool',
      flag: 'pick-pool',
      int: true,
      min: 0,
      max: 4096,
      default: 0,
      help: "random training complements added to --lambda-pick's candidates each batch (beside the batch's positives and negatives): M's picks then come from a larger catalog, at the cost of an encoder pass over them; 0 = the batch alone",
    },
  ] as const,
  active: (o) => (o.lambdaPick as number) > 0,
  validate(c) {
    if ((c.lambdaPick as number) > 0 && c.userCond === 'none')
      return '--lambda-pick needs a user-aware model: with --user-cond none there is no other user to design for';
    if ((c.pickQueryShare as number) > 0 && !((c.lambdaPick as number) > 0)) return '--pick-query-share needs --lambda-pick > 0';
    if ((c.pickPool as number) > 0 && !((c.lambdaPick as number) > 0)) return '--pick-pool needs --lambda-pick > 0';
    return null;
  },
  // The pool's codes [2B + N, latent]: the positives' (zc), then the negatives' and pool items' (a pass of their own).
  prepareCodes(ctx, zc) {
    ctx.scratch.set('pickPool', T.cat([zc, ctx.model.encoder.forward(ctx.model.images(candidates(ctx.b, false)))], 0));
  },
  // Drawn before the counterfactual designs (colour modes draw each in its pick's colour bin).
  counterfactualTargets(ctx) {
    const a = ctx.o.pickQueryShare as number;
    const pool = candidates(ctx.b, true); // [2B + N, 3, S, S]
    const zPool = ctx.scratch.get('pickPool')!;
    const B = ctx.zq.size(0);
    // Rows whose next row has the same user (about 1 in #users) get M's pick for their own user.
    const userPicks = a < 1 ? mPicks(ctx.model, nextRow(ctx.b.users), ctx.zq, zPool) : null; // [B] into the pool
    const queryPicks = a > 0 && B > 1 ? mPicks(ctx.model, ctx.b.users, nextRow(ctx.zq), zPool) : null;
    ctx.stepValues.set(
      'pick_own',
      userPicks
        ? T.mean(T.toDtype(T.eq(userPicks, T.arange(0, B, 1, { dtype: 'int64', device: userPicks.device })), 'float32'))
        : T.scalarTensor(NaN),
    );
    return {
      forNextUser: userPicks ? T.indexSelect(pool, 0, userPicks) : null,
      forNextQuery: queryPicks ? T.indexSelect(pool, 0, queryPicks) : null,
    };
  },
  generator(ctx) {
    const a = ctx.o.pickQueryShare as number;
    const forNextQuery = a > 0 ? ctx.forNextQuery() : null;
    const forNextUser = a < 1 ? ctx.forNextUser() : null;
    const picks = ctx.counterfactuals();
    const l1 = (design: T.Tensor | null, target: T.Tensor | null, w: number) =>
      design && target
        ? T.mul(T.l1Loss(T.toDtype(design, 'float32'), target), w)
        : T.scalarTensor(0, { device: ctx.zq.device as T.Device });
    const pick = T.add(l1(forNextUser, picks.forNextUser, 1 - a), l1(forNextQuery, picks.forNextQuery, a));
    return {
      parts: [{ loss: pick, weight: ctx.o.lambdaPick as number }],
      logs: { L_G_pick: pick, pick_own: ctx.stepValues.get('pick_own')! },
    };
  },
  finite: ['L_G_pick'],
});
