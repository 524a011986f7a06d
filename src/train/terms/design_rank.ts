// G ranks its designs through the fixed M (beyond the paper; design_ranking.ts): each design
// must score higher, under its own user and query, than the same user's design for the next
// row's query and the next row's user's design for its query (half each)
// (docs/experiments/07-design-rank.md: own-query +0.045 -> +0.053 at 2,400 iterations).
import * as T from '../../torch/index.js';
import { designRankingLoss } from '../../models/design_ranking.js';
import { nextRow, queryDiffersFromNext } from '../../models/query_mode_seeking.js';
import { defineTerm } from './term.js';

export const designRankTerm = defineTerm({
  name: 'design-rank',
  summary: "through M, each design beats its user's design for another query and another user's for its query",
  settings: [
    {
      key: 'designRank',
      flag: 'design-rank',
      min: 0,
      default: 0,
      help: "weight of a ranking term through M in G's step: each design against the same user's design for another query and another user's design for its query; 0 = off (the paper)",
    },
  ] as const,
  active: (o) => (o.designRank as number) > 0,
  generator(ctx) {
    const forNextQuery = ctx.forNextQuery();
    if (!forNextQuery) return null;
    // A user-unaware model has no other user to design for: the query half alone (g_user_win NaN).
    const forNextUser = ctx.model.config.userCond !== 'none' ? ctx.forNextUser() : null;
    const users = ctx.b.users;
    const r = designRankingLoss(
      ctx.o.genCompatLoss ? ctx.sStar : ctx.scoreDesign(ctx.design),
      ctx.scoreDesign(forNextQuery),
      forNextUser ? ctx.scoreDesign(forNextUser) : null,
      queryDiffersFromNext(ctx.zq),
      forNextUser ? T.ne(users, nextRow(users)) : null,
      0.5,
    );
    return {
      parts: [{ loss: r.loss, weight: ctx.o.designRank as number }],
      logs: { L_G_rank: r.loss, g_query_win: r.queryWin, g_user_win: r.userWin },
    };
  },
  finite: ['L_G_rank'],
});
