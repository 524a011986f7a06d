// A query-pair discriminator (beyond the paper; pixel-level domain transfer's D_A): judges
// (query, item) pairs: (b) trains it on real = (query, its complement), fake = (query, design)
// and (query, another outfit's complement); (c) adds lambda4 * its generator loss. The model
// has one per designed category when trained with --pair-disc (query_pair_discriminator.ts).
import * as T from '../../torch/index.js';
import { pairDiscriminatorLoss, pairGeneratorLoss, unassociated } from '../../models/query_pair_discriminator.js';
import { defineTerm } from './term.js';

export const pairDiscriminatorTerm = defineTerm({
  name: 'pair-disc',
  summary: 'a discriminator of (query, design) pairs against real outfits (--pair-disc builds it)',
  settings: [
    { key: 'lambda4', flag: 'lambda4', min: 0, default: 1, help: "weight of the query-pair discriminator's losses (with --pair-disc)" },
  ] as const,
  active: (_o, model) => model.pairDiscriminators.size > 0,
  discriminate(ctx, fake) {
    const Dp = ctx.model.pairDiscriminators.get(ctx.b.target)!;
    const pOpt = ctx.opt.pairDisc!.get(ctx.b.target)!;
    return T.tidy(() => {
      pOpt.zeroGrad();
      const { b } = ctx;
      const loss = ctx.model.autocast(() =>
        T.mul(
          pairDiscriminatorLoss(Dp.pair(b.query, b.positive), Dp.pair(b.query, fake), Dp.pair(b.query, unassociated(b.positive))),
          ctx.o.lambda4 as number,
        ),
      );
      loss.backward();
      pOpt.step();
      return { L_Dpair: loss.item() };
    });
  },
  generator(ctx) {
    const pair = pairGeneratorLoss(ctx.model.pairDiscriminators.get(ctx.b.target)!.pair(ctx.b.query, ctx.design));
    return { parts: [{ loss: pair, weight: ctx.o.lambda4 as number }], logs: { L_G_pair: pair } };
  },
  finite: ['L_Dpair', 'L_G_pair'],
  bounded: ['L_Dpair'],
});
