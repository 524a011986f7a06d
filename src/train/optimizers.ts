// Algorithm 1's optimizers: Adam over three disjoint parameter sets, one per
// step: (a) F + M + theta_u, (b) each D (and each query-pair D), (c) each G (with
// colour modes, G's mode head has an Adam of its own, at --mode-head-lr).
import * as nn from '../nn/index.js';
import type { Category, Designer } from '../models/designer.js';

/** Algorithm 1's optimizers, one per step's parameter set. */
export interface Optimizers {
  compat: nn.Optimizer; // F, M, theta_u
  disc: Map<Category, nn.Optimizer>;
  gen: Map<Category, nn.Optimizer>;
  pairDisc?: Map<Category, nn.Optimizer>; // one per query-pair discriminator
  modeHead?: Map<Category, nn.Optimizer>; // G's mode head (colour modes), stepped with G in (c)
}

export function makeOptimizers(model: Designer, o: { lr: number; betas: [number, number]; lrModeHead?: number }): Optimizers {
  const adam = (params: ReturnType<typeof nn.parametersOf>, lr = o.lr) => new nn.Adam(params, { lr, betas: o.betas });
  const heads = new Map([...model.generators].filter(([, g]) => g.modePrior).map(([c, g]) => [c, g.modePrior!.parameters()] as const));
  const notHead = (c: Category, params: ReturnType<typeof nn.parametersOf>) => params.filter((p) => !heads.get(c)?.includes(p));
  // parametersOf over every set at once proves they are disjoint.
  nn.parametersOf(
    model.compatParameters(),
    ...model.discriminators.values(),
    ...model.pairDiscriminators.values(),
    ...model.generators.values(),
  );
  return {
    compat: adam(model.compatParameters()),
    disc: new Map([...model.discriminators].map(([c, d]) => [c, adam(d.parameters())])),
    gen: new Map([...model.generators].map(([c, g]) => [c, adam(notHead(c, g.parameters()))])),
    modeHead: new Map([...heads].map(([c, params]) => [c, adam(params, o.lrModeHead || o.lr)])),
    pairDisc: new Map([...model.pairDiscriminators].map(([c, d]) => [c, adam(d.parameters())])),
  };
}

/** Every optimizer with a stable name, for checkpoints. */
export function namedOptimizers(opt: Optimizers): [string, nn.Optimizer][] {
  return [
    ['compat', opt.compat],
    ...[...opt.disc].map(([c, o]) => [`disc_${c}`, o] as [string, nn.Optimizer]),
    ...[...opt.gen].map(([c, o]) => [`gen_${c}`, o] as [string, nn.Optimizer]),
    ...[...(opt.pairDisc ?? [])].map(([c, o]) => [`pair_disc_${c}`, o] as [string, nn.Optimizer]),
    ...[...(opt.modeHead ?? [])].map(([c, o]) => [`mode_head_${c}`, o] as [string, nn.Optimizer]),
  ];
}
