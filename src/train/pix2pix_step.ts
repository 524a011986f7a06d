// One pix2pix iteration (Isola et al. 2017, Algorithm as in their code) per
// designed category's batch: G designs x* = G(x_q) once; then
//   D <- Adam on 1/2 [BCE(D(x_q, x_c+), 1) + BCE(D(x_q, x*), 0)]     (x* detached)
//   G <- Adam on BCE(D(x_q, x*), 1) + 100 |x* - x_c+|_1                (D fixed)
// The batch's users and negatives are unused: pix2pix learns query -> the
// user's own complement as a paired translation.
import * as T from '../torch/index.js';
import type * as nn from '../nn/index.js';
import { patchGanLoss, type Pix2pix } from '../models/baselines/pix2pix.js';
import type { ImageBatch } from './batches.js';

export const LAMBDA_L1 = 100;

export function pix2pixStep(
  model: Pix2pix,
  opt: { gen: Map<string, nn.Optimizer>; disc: Map<string, nn.Optimizer> },
  batches: ImageBatch[],
): Record<string, number> {
  const sums: Record<string, number> = { L_D: 0, L_G: 0, L_G_adv: 0, L_L1: 0, d_real: 0, d_fake: 0 };
  for (const b of batches) {
    T.tidy(() => {
      const G = model.generator(b.target),
        D = model.discriminators.get(b.target)!;
      const q = model.images(b.query),
        real = model.images(b.positive);
      const fake = model.autocast(() => G.forward(q)); // [B, 3, S, S]
      const dOpt = opt.disc.get(b.target)!,
        gOpt = opt.gen.get(b.target)!;
      dOpt.zeroGrad();
      const { lossD, dReal, dFake } = model.autocast(() => {
        const dReal = D.forward(q, real),
          dFake = D.forward(q, T.detach(fake));
        return { lossD: T.mul(T.add(patchGanLoss(dReal, true), patchGanLoss(dFake, false)), 0.5), dReal, dFake };
      });
      lossD.backward();
      dOpt.step();
      gOpt.zeroGrad();
      const dParams = D.parameters();
      for (const p of dParams) p.requiresGrad = false;
      try {
        const { loss, adv, l1 } = model.autocast(() => {
          const adv = patchGanLoss(D.forward(q, fake), true);
          const l1 = T.mean(T.abs(T.sub(T.toDtype(fake, 'float32'), real)));
          return { loss: T.add(adv, T.mul(l1, LAMBDA_L1)), adv, l1 };
        });
        loss.backward();
        gOpt.step();
        sums.L_G! += loss.item();
        sums.L_G_adv! += adv.item();
        sums.L_L1! += l1.item();
      } finally {
        for (const p of dParams) p.requiresGrad = true;
      }
      sums.L_D! += lossD.item();
      sums.d_real! += T.mean(T.sigmoid(dReal)).item();
      sums.d_fake! += T.mean(T.sigmoid(dFake)).item();
    });
  }
  for (const k of Object.keys(sums)) sums[k]! /= batches.length;
  return sums;
}
