// MrCGAN's training iteration (src/models/baselines/mrcgan.ts), in its two phases:
//   projection (the first `projectionIterations`):
//     E, projections <- BPR over every batch: softplus(d(q, c+) - d(q, c-)),
//                       c- = the batch's negative complement (random for q)
//   then the metric-regularized conditional GAN, E and the projections fixed:
//     D_c <- 1/2 [BCE(D_c(x_c+), 1) + BCE(D_c(G(e(x_c+), n)), 0)]
//     G_c <- BCE(D_c(G(e, n)), 1) + LAMBDA_MR * |e(G(e, n)) - e|^2           (D_c fixed)
// with e = e(x_c+) the codes of real complements and n ~ N(0, 1).
import * as T from '../torch/index.js';
import type * as nn from '../nn/index.js';
import { bceGanLoss } from '../models/baselines/baseline_model.js';
import type { MrCgan } from '../models/baselines/mrcgan.js';
import { inEvalMode } from '../nn/index.js';
import type { ImageBatch } from './batches.js';
import type { TrainConfig } from './config.js';
import { frozen } from './baseline_steps.js';

/** Weight of the metric regularization (MrCGAN's "Mr"). */
export const LAMBDA_MR = 1;
/** Iterations of the projection phase per preset, before the GAN trains. */
export const PROJECTION_ITERATIONS: Record<TrainConfig['preset'], number> = { cpu: 150, paper: 2000 };

export function mrcganStep(
  model: MrCgan,
  opt: Map<string, nn.Optimizer>,
  batches: ImageBatch[],
  iteration: number,
  projectionIterations: number,
): { phase: string; losses: Record<string, number> } {
  return iteration < projectionIterations
    ? { phase: 'mrcgan-projection', losses: projectionStep(model, opt.get('proj')!, batches) }
    : { phase: 'mrcgan-gan', losses: ganStep(model, opt, batches) };
}

function projectionStep(model: MrCgan, o: nn.Optimizer, batches: ImageBatch[]): Record<string, number> {
  return T.tidy(() => {
    o.zeroGrad();
    const parts = batches.map((b) =>
      model.autocast(() => {
        const z = model.code(model.images(T.cat([b.query, b.positive, b.negComplement], 0))); // [3B, d]
        const [zq, zp, zn] = T.chunk(z, 3, 0) as [T.Tensor, T.Tensor, T.Tensor];
        return { pos: model.distance(b.target, zq, zp), neg: model.distance(b.target, zq, zn) }; // [B] each
      }),
    );
    const pos = T.cat(
        parts.map((p) => p.pos),
        0,
      ),
      neg = T.cat(
        parts.map((p) => p.neg),
        0,
      );
    const loss = T.mean(T.softplus(T.sub(pos, neg)));
    loss.backward();
    o.step();
    return {
      L_proj: loss.item(),
      auc_batch: T.mean(T.toDtype(T.lt(pos, neg), 'float32')).item(),
      d_pos: T.mean(pos).item(),
      d_neg: T.mean(neg).item(),
    };
  });
}

function ganStep(model: MrCgan, opt: Map<string, nn.Optimizer>, batches: ImageBatch[]): Record<string, number> {
  const sums: Record<string, number> = { L_D: 0, L_G: 0, L_G_adv: 0, L_mr: 0 };
  const fixed = [model.embed, ...model.projections.values()];
  for (const b of batches) {
    T.tidy(() => {
      const t = b.target,
        D = model.discriminators.get(t)!;
      const real = model.images(b.positive);
      // Codes of the real complements, from the fixed embedding (running statistics).
      const e = inEvalMode(model.embed, () => T.noGrad(() => model.autocast(() => model.code(real)))); // [B, d]
      const n = T.randn([e.size(0), model.config.noise], { device: e.device });
      const fake = model.autocast(() => model.generate(t, e, n)); // [B, 3, S, S]
      const dOpt = opt.get(`disc_${t}`)!,
        gOpt = opt.get(`gen_${t}`)!;
      dOpt.zeroGrad();
      const lossD = model.autocast(() =>
        T.mul(T.add(bceGanLoss(D.forward(real), true), bceGanLoss(D.forward(T.detach(fake)), false)), 0.5),
      );
      lossD.backward();
      dOpt.step();
      gOpt.zeroGrad();
      const { loss, adv, mr } = frozen([D, ...fixed], () =>
        inEvalMode(model.embed, () =>
          model.autocast(() => {
            const adv = bceGanLoss(D.forward(fake), true);
            const mr = T.mean(T.sum(T.square(T.sub(T.toDtype(model.code(fake), 'float32'), e)), -1));
            return { loss: T.add(adv, T.mul(mr, LAMBDA_MR)), adv, mr };
          }),
        ),
      );
      loss.backward();
      gOpt.step();
      sums.L_D! += lossD.item();
      sums.L_G! += loss.item();
      sums.L_G_adv! += adv.item();
      sums.L_mr! += mr.item();
    });
  }
  for (const k of Object.keys(sums)) sums[k]! /= batches.length;
  return sums;
}
