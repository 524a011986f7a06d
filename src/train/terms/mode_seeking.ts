// Query mode seeking (beyond the paper; Mao et al., CVPR 2019, over queries): each row's design
// is compared with the same user's design for the next row's query, and G pays when the two
// are closer than their query codes (query_mode_seeking.ts): designs must follow their query.
// With --ms-mask target the distance is taken inside the two rows' real complements'
// silhouettes only, so that colour on the background cannot satisfy it
// (docs/experiments/15-demo-budget-ms-mask.md).
import * as T from '../../torch/index.js';
import { queryModeSeekingLoss, nextRow } from '../../models/query_mode_seeking.js';
import { foregroundMask } from '../../models/colour_modes.js';
import { defineTerm } from './term.js';

export const modeSeekingTerm = defineTerm({
  name: 'mode-seeking',
  summary: 'designs for two queries must differ as much as the queries do',
  settings: [
    {
      key: 'modeSeeking',
      flag: 'mode-seeking',
      min: 0,
      default: 0,
      help: "weight of the query mode-seeking term in G's step; 0 = off (the paper)",
    },
    {
      key: 'msMask',
      flag: 'ms-mask',
      choices: ['all', 'target'],
      default: 'all',
      help: "the pixels --mode-seeking compares: all, or the union of the two rows' real complements' silhouettes (target: background colour cannot satisfy it)",
    },
  ] as const,
  active: (o) => (o.modeSeeking as number) > 0,
  validate: (c) => (c.msMask === 'target' && !((c.modeSeeking as number) > 0) ? '--ms-mask target needs --mode-seeking > 0' : null),
  generator(ctx) {
    const other = ctx.forNextQuery();
    if (!other) return null;
    // The union of this row's and the next row's real complements' silhouettes [B, 1, S, S].
    const target = ctx.o.msMask === 'target' ? foregroundMask(ctx.b.positive) : null;
    const ms = queryModeSeekingLoss(ctx.zq, ctx.design, other, target ? T.maximum(target, nextRow(target)) : undefined);
    return { parts: [{ loss: ms, weight: ctx.o.modeSeeking as number }], logs: { L_G_ms: ms } };
  },
  finite: ['L_G_ms'],
});
