// Algorithm 1's optimizers: Adam over three disjoint parameter sets, one per
// step: (a) F + M + theta_u, (b) each D (and each query-pair D), (c) each G.
import * as nn from '../nn/index.js';
import type { Designer } from '../models/designer.js';
import type { Optimizers } from './algorithm1.js';

export function makeOptimizers(model: Designer, o: { lr: number; betas: [number, number]; lrCompat?: number }): Optimizers {
  const adam = (params: ReturnType<typeof nn.parametersOf>, lr = o.lr) => new nn.Adam(params, { lr, betas: o.betas });
  // parametersOf over every set at once proves they are disjoint.
  nn.parametersOf(model.compatParameters(), ...model.discriminators.values(), ...model.pairDiscriminators.values(), ...model.generators.values());
  return {
    compat: adam(model.compatParameters(), o.lrCompat ?? o.lr),
    disc: new Map([...model.discriminators].map(([c, d]) => [c, adam(d.parameters())])),
    gen: new Map([...model.generators].map(([c, g]) => [c, adam(g.parameters())])),
    pairDisc: new Map([...model.pairDiscriminators].map(([c, d]) => [c, adam(d.parameters())])),
  };
}

/** Every optimizer with a stable name, for checkpoints. */
export function namedOptimizers(opt: Optimizers): [string, nn.Optimizer][] {
  return [['compat', opt.compat], ...[...opt.disc].map(([c, o]) => [`disc_${c}`, o] as [string, nn.Optimizer]),
    ...[...opt.gen].map(([c, o]) => [`gen_${c}`, o] as [string, nn.Optimizer]),
    ...[...(opt.pairDisc ?? [])].map(([c, o]) => [`pair_disc_${c}`, o] as [string, nn.Optimizer])];
}
