// Training iterations of the pixel-level domain transfer and DiscoGAN baselines
// (pix2pix's is pix2pix_step.ts). Each uses the batches the designer uses:
// ImageBatch's query x_q+ and its complement x_c+ (users and negatives unused).
import * as T from '../torch/index.js';
import type * as nn from '../nn/index.js';
import { bceGanLoss } from '../models/baselines/baseline_model.js';
import type { PixelDomainTransfer } from '../models/baselines/pixel_domain_transfer.js';
import type { DiscoGan } from '../models/baselines/discogan.js';
import { nextRow } from '../models/query_mode_seeking.js';
import { unassociated } from '../models/query_pair_discriminator.js';
import type { ImageBatch } from './batches.js';

/** Runs fn with the modules' parameters frozen (no gradient computed for them). */
export function frozen<R>(mods: nn.Module[], fn: () => R): R {
  const ps = mods.flatMap((m) => m.parameters());
  for (const p of ps) p.requiresGrad = false;
  try {
    return fn();
  } finally {
    for (const p of ps) p.requiresGrad = true;
  }
}

/**
 * Pixel-level domain transfer, per designed category's batch (Yoo et al. 2016):
 *   D_R <- 1/2 [BCE(D_R(x_c+), 1) + BCE(D_R(C(x_q)), 0)]
 *   D_A <- 1/2 BCE(D_A(x_q, x_c+), 1) + 1/4 BCE(D_A(x_q, C(x_q)), 0) + 1/4 BCE(D_A(x_q, x_c of another outfit), 0)
 *   C   <- 1/2 BCE(D_R(C(x_q)), 1) + 1/2 BCE(D_A(x_q, C(x_q)), 1)        (both discriminators fixed)
 */
export function pixelDomainTransferStep(
  model: PixelDomainTransfer,
  opt: Map<string, nn.Optimizer>,
  batches: ImageBatch[],
): Record<string, number> {
  const sums: Record<string, number> = { L_DR: 0, L_DA: 0, L_C: 0 };
  for (const b of batches) {
    T.tidy(() => {
      const t = b.target,
        C = model.converters.get(t)!,
        DR = model.realFake.get(t)!,
        DA = model.domain.get(t)!;
      const q = model.images(b.query),
        real = model.images(b.positive);
      const fake = model.autocast(() => C.forward(q)); // [B, 3, S, S]
      const still = T.detach(fake);
      const update = (name: string, loss: () => T.Tensor) => {
        const o = opt.get(name)!;
        o.zeroGrad();
        const l = model.autocast(loss);
        l.backward();
        o.step();
        return l.item();
      };
      sums.L_DR! += update(`disc_${t}`, () => T.mul(T.add(bceGanLoss(DR.forward(real), true), bceGanLoss(DR.forward(still), false)), 0.5));
      sums.L_DA! += update(`domain_${t}`, () =>
        T.add(
          T.mul(bceGanLoss(DA.pair(q, real), true), 0.5),
          T.mul(T.add(bceGanLoss(DA.pair(q, still), false), bceGanLoss(DA.pair(q, unassociated(real)), false)), 0.25),
        ),
      );
      sums.L_C! += frozen([DR, DA], () =>
        update(`conv_${t}`, () => T.mul(T.add(bceGanLoss(DR.forward(fake), true), bceGanLoss(DA.pair(q, fake), true)), 0.5)),
      );
    });
  }
  for (const k of Object.keys(sums)) sums[k]! /= batches.length;
  return sums;
}

/**
 * DiscoGAN (Kim et al. 2017) on every top x_t and bottom x_b of the iteration's
 * batches, unpaired (the bottoms are rolled by one row against the tops):
 *   D   <- sum over domains of BCE(D_c(x_c), 1) + BCE(D_c(G_c(x_c')), 0)
 *   G   <- sum over domains of BCE(D_c(G_c(x_c')), 1) + |G_c'(G_c(x_c')) - x_c'|^2      (D fixed)
 */
export function discoGanStep(model: DiscoGan, opt: Map<string, nn.Optimizer>, batches: ImageBatch[]): Record<string, number> {
  const out: Record<string, number> = {};
  T.tidy(() => {
    const of = (c: 'top' | 'bottom') =>
      T.cat(
        batches.map((b) => model.images(b.target === c ? b.positive : b.query)),
        0,
      );
    const x = { top: of('top'), bottom: nextRow(of('bottom')) }; // unpaired
    const fake = model.autocast(() => ({ bottom: model.generate('bottom', x.top), top: model.generate('top', x.bottom) }));
    const D = model.discriminators;
    const dOpt = opt.get('disc')!,
      gOpt = opt.get('gen')!;
    dOpt.zeroGrad();
    const lossD = model.autocast(() =>
      T.add(
        T.add(bceGanLoss(D.get('bottom')!.forward(x.bottom), true), bceGanLoss(D.get('bottom')!.forward(T.detach(fake.bottom)), false)),
        T.add(bceGanLoss(D.get('top')!.forward(x.top), true), bceGanLoss(D.get('top')!.forward(T.detach(fake.top)), false)),
      ),
    );
    lossD.backward();
    dOpt.step();
    gOpt.zeroGrad();
    const { loss, adv, rec } = frozen([...D.values()], () =>
      model.autocast(() => {
        const adv = T.add(bceGanLoss(D.get('bottom')!.forward(fake.bottom), true), bceGanLoss(D.get('top')!.forward(fake.top), true));
        const mse = (a: T.Tensor, b: T.Tensor) => T.mean(T.square(T.sub(T.toDtype(a, 'float32'), b)));
        const rec = T.add(mse(model.generate('top', fake.bottom), x.top), mse(model.generate('bottom', fake.top), x.bottom));
        return { loss: T.add(adv, rec), adv, rec };
      }),
    );
    loss.backward();
    gOpt.step();
    Object.assign(out, { L_D: lossD.item(), L_G: loss.item(), L_G_adv: adv.item(), L_rec: rec.item() });
  });
  return out;
}
