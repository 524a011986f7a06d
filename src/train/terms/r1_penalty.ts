// The R1 gradient penalty on the real/fake discriminator (beyond the paper; Mescheder et al.
// 2018, as StyleGAN2 applies it): after D's n_D updates, every k-th iteration one more update of D
// on gamma/2 * k * E ||d D(x) / d x||^2 at the real complements x, so that D's score is flat
// around real items and G is not pushed along D's steepest, noisiest directions. Lazy (every k
// iterations, the weight scaled by k) because the double backward costs about three D passes.
import * as T from '../../torch/index.js';
import { defineTerm } from './term.js';

/** E_x ||d score / d x||^2 over the batch: x [B, C, S, S] -> [] float32; differentiable in D's parameters. */
export function r1Penalty(score: (x: T.Tensor) => T.Tensor, real: T.Tensor): T.Tensor {
  const x = T.detach(real).requiresGrad_(); // [B, C, S, S]
  const [g] = T.gradients(T.sum(score(x)), [x], { createGraph: true }); // [B, C, S, S]
  return T.mean(T.sum(T.square(g!), [1, 2, 3])); // []
}

export const r1PenaltyTerm = defineTerm({
  name: 'r1',
  summary: "R1: a penalty on D's gradient at real items (lazy, every --r1-every iterations)",
  settings: [
    {
      key: 'r1Gamma',
      flag: 'r1',
      min: 0,
      default: 0,
      help: "gamma of the R1 penalty gamma/2 E||grad_x D(x)||^2 at the real complements (D's extra update); 0 = off (the paper)",
    },
    {
      key: 'r1Every',
      flag: 'r1-every',
      int: true,
      min: 1,
      default: 16,
      help: 'iterations between R1 updates of D (the penalty is weighted by this, as StyleGAN2 does)',
    },
  ] as const,
  active: (o) => (o.r1Gamma as number) > 0,
  validate: (c) => (c.r1Every !== 16 && !((c.r1Gamma as number) > 0) ? '--r1-every needs --r1 > 0' : null),
  discriminate(ctx) {
    const every = ctx.o.r1Every as number;
    if (ctx.iteration % every !== 0) return {};
    const dOpt = ctx.opt.disc.get(ctx.b.target)!;
    return T.tidy(() => {
      dOpt.zeroGrad();
      // In float32 (outside autocast): the double backward of a bf16 conv would lose the penalty's small gradients.
      const penalty = r1Penalty((x) => ctx.D.forward(x), T.toDtype(ctx.b.positive, 'float32'));
      T.mul(penalty, ((ctx.o.r1Gamma as number) / 2) * every).backward();
      dOpt.step();
      return { L_D_r1: penalty.item() };
    });
  },
  finite: ['L_D_r1'],
});
