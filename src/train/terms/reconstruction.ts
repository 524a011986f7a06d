// pix2pix's paired L1 term (beyond the paper): |G(z_q, theta_u) - x_c+|, the complement this
// user chose for this query, says directly how a design should change with its query and user,
// which L_G^FM conveys only through M (docs/experiments/03-rec-loss-swap-negatives.md).
import * as T from '../../torch/index.js';
import { defineTerm } from './term.js';

export const reconstructionTerm = defineTerm({
  name: 'reconstruction',
  summary: 'L1 from each design to the complement its user chose for its query',
  settings: [
    {
      key: 'lambdaRec',
      flag: 'lambda-rec',
      min: 0,
      default: 0,
      help: "weight of an L1 term to the outfit's own complement in G's step; 0 = off (the paper)",
    },
  ] as const,
  active: (o) => (o.lambdaRec as number) > 0,
  generator(ctx) {
    const rec = T.l1Loss(T.toDtype(ctx.design, 'float32'), ctx.b.positive); // the design in fp32 under bf16 autocast
    return { parts: [{ loss: rec, weight: ctx.o.lambdaRec as number }], logs: { L_G_rec: rec } };
  },
  finite: ['L_G_rec'],
});
