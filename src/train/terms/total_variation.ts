// The design's total variation (beyond the paper; total_variation.ts): against multicolour
// speckle (docs/experiments/12-taste-terms-tv.md).
import { totalVariation } from '../../models/total_variation.js';
import { defineTerm } from './term.js';

export const totalVariationTerm = defineTerm({
  name: 'total-variation',
  summary: "the design's total variation, against speckle",
  settings: [
    {
      key: 'lambdaTv',
      flag: 'lambda-tv',
      min: 0,
      default: 0,
      help: "weight of the design's total variation (mean absolute difference between neighbouring pixels) in G's step: against speckle that reads as a pattern; 0 = off (the paper)",
    },
  ] as const,
  active: (o) => (o.lambdaTv as number) > 0,
  generator(ctx) {
    const tv = totalVariation(ctx.design); // [] fp32
    return { parts: [{ loss: tv, weight: ctx.o.lambdaTv as number }], logs: { L_G_tv: tv } };
  },
  finite: ['L_G_tv'],
});
