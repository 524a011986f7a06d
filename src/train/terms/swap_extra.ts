// Same-user negatives as a second ranking term of step (a) (beyond the paper): each positive
// outfit is also ranked above the same user's complement of another of their outfits, scored
// with the positive's query (kind 3), so that M learns how a complement goes with its query as
// well as the user's taste (docs/experiments/06-swap-extra-compat-warmup.md: AUC/user
// 0.725 -> 0.804 at 2,400 iterations).
import { defineTerm } from './term.js';

export const swapExtraTerm = defineTerm({
  name: 'swap-extra',
  summary: "step (a) also ranks each positive above the user's own other complement for its query",
  settings: [
    {
      key: 'swapExtra',
      flag: 'swap-extra',
      min: 0,
      max: 4,
      default: 0,
      help: "weight of a second ranking term in step (a): each positive against the user's own other complement for its query (kind 3), on top of the kind-1/2 negatives; 0 = off (the paper)",
    },
  ] as const,
  active: (o) => (o.swapExtra as number) > 0,
  compat: (o, batches) =>
    batches.every((b) => b.swapComplement)
      ? { complements: (b) => b.swapComplement!, weight: o.swapExtra as number, keys: ['bpr_swap', 'auc_swap'] }
      : null,
  finite: [],
});
