// The paper's Algorithm 1, one iteration on one batch per designed category:
//   (a) F, M, theta_u <- Adam on L_FM = BPR(s+, s-) + l2 ||theta_FM||^2                 (Eq. 10)
//   then, for each designed category's batch:
//   (b) D (n_D times) <- Adam on lambda2 L_D^RaLSGAN(real x_c+, designed G(z_q, theta_u))  (Eq. 1)
//   (c) G             <- Adam on lambda3 L_G^RaLSGAN + lambda1 L_G^FM                       (Eq. 2, 11)
//                        with F, M, theta_u and D fixed (frozen: no gradient is computed for them).
// Terms beyond the paper (terms/registry.ts) add their parts to (a), (b) and (c); with none
// active this is the paper's step. Each step's optimizer owns exactly that step's parameters.
import * as T from '../torch/index.js';
import { frozenParameters } from '../nn/index.js';
import type { Designer } from '../models/designer.js';
import { bprLoss, generatorCompatTerm } from '../models/compat_losses.js';
import { ralsganDiscriminatorLoss, ralsganGeneratorLoss } from '../models/ralsgan.js';
import { inLayout, type ImageBatch } from './batches.js';
import type { Optimizers } from './optimizers.js';
import { DesignContext } from './step_context.js';
import { activeTerms } from './terms/registry.js';
import type { LossTerm, StepOptions } from './terms/term.js';
import { stepLaps, withCategoryMeans, type StepLosses, type StepTiming } from './step_losses.js';

export type { PaperLosses, StepLosses, StepTiming } from './step_losses.js';

/**
 * One iteration: (a) once on all the batches' outfits, then (b) and (c) for each batch's G and
 * D, so that every G update is paired with exactly one update of the compatibility
 * discriminator whatever the number of tasks. Values are means over the designed categories
 * (each category's are kept in by_target). `iteration` (0-based) is for terms applied every k.
 */
export function algorithm1Step(
  model: Designer,
  opt: Optimizers,
  batches: ImageBatch | ImageBatch[],
  o: StepOptions,
  timing?: StepTiming,
  iteration = 0,
): StepLosses {
  return T.tidy(() => {
    const list = (Array.isArray(batches) ? batches : [batches]).map((b) => inLayout(b, (x) => model.images(x)));
    if (new Set(list.map((b) => b.target)).size !== list.length) throw new Error('algorithm1Step: one batch per designed category');
    const terms = activeTerms(o, model);
    const lap = stepLaps(timing);
    const a = compatStep(model, opt, list, o, terms);
    lap('a');
    const per = list.map((b) => {
      const ctx = new DesignContext(model, opt, b, o, terms, iteration);
      try {
        const d = discriminatorStep(ctx);
        lap('b');
        const g = generatorStep(ctx);
        lap('c');
        return { ...d, ...g };
      } finally {
        ctx.dispose();
      }
    });
    return withCategoryMeans(a, list, per);
  });
}

/** (a) the compatibility discriminator F, M, theta_u on every batch's outfits (and a term's extra negatives). */
export function compatStep(
  model: Designer,
  opt: Optimizers,
  list: ImageBatch[],
  o: StepOptions,
  terms: readonly LossTerm[] = [],
): Record<string, number> {
  return T.tidy(() => {
    const F = model.encoder;
    opt.compat.zeroGrad();
    const all = (pick: (b: ImageBatch) => T.Tensor) => (list.length === 1 ? pick(list[0]!) : T.cat(list.map(pick), 0));
    const extras = terms.map((t) => t.compat?.(o, list)).filter((x) => !!x);
    const parts = [
      all((b) => b.query),
      all((b) => b.positive),
      all((b) => b.negQuery),
      all((b) => b.negComplement),
      ...extras.map((e) => all((b) => e.complements(b)!)),
    ];
    const users = all((b) => b.users);
    const { loss, sPos, sNeg, sExtra, extraTerms } = model.autocast(() => {
      const [zq, zc, zqn, zcn, ...zExtra] = T.chunk(F.forward(model.images(T.cat(parts, 0))), parts.length, 0); // each [N, latent]
      const sPos = model.score(users, zq!, zc!),
        sNeg = model.score(users, zqn!, zcn!); // [N]
      // theta_FM = the parameters of F and M; theta_u is learned by L_FM but not regularized (Eq. 10).
      let loss = bprLoss(sPos, sNeg, [...F.parameters(), ...model.metric.parameters()], o.l2);
      const sExtra = zExtra.map((z) => model.score(users, zq!, z)); // each [N]
      const extraTerms = sExtra.map((s) => bprLoss(sPos, s));
      extraTerms.forEach((term, i) => {
        loss = T.add(loss, T.mul(term, extras[i]!.weight));
      });
      return { loss, sPos, sNeg, sExtra, extraTerms };
    });
    const bpr = T.noGrad(() => bprLoss(sPos, sNeg));
    loss.backward();
    opt.compat.step();
    const win = (other: T.Tensor) => T.mean(T.toDtype(T.gt(sPos, other), 'float32')).item();
    const out: Record<string, number> = {
      L_FM: loss.item(),
      bpr: bpr.item(),
      auc_batch: win(sNeg),
      s_pos: T.mean(sPos).item(),
      s_neg: T.mean(sNeg).item(),
    };
    extras.forEach((e, i) => {
      out[e.keys[0]] = extraTerms[i]!.item();
      out[e.keys[1]] = win(sExtra[i]!);
    });
    return out;
  });
}

/** (b) D, n_D updates against the same designs; then any term's discriminator. */
function discriminatorStep(ctx: DesignContext): Record<string, number> {
  const { model, b, o, G, D } = ctx;
  return T.tidy(() => {
    const out: Record<string, number> = {};
    const fake = T.noGrad(() => model.autocast(() => G.forward(ctx.input(), ctx.discriminatorModes()))); // [B, 3, S, S]
    const dOpt = ctx.opt.disc.get(b.target)!;
    for (let t = 0; t < o.nD; t++) {
      T.tidy(() => {
        dOpt.zeroGrad();
        const loss = model.autocast(() => T.mul(ralsganDiscriminatorLoss(D.forward(b.positive), D.forward(fake)), o.lambda2));
        loss.backward();
        dOpt.step();
        if (t === o.nD - 1) out.L_D = loss.item();
      });
    }
    for (const t of ctx.terms) if (t.discriminate) Object.assign(out, t.discriminate(ctx, fake));
    return out;
  });
}

/** (c) G, with F, M, theta_u and every discriminator fixed: the paper's L_G, then each term's parts. */
function generatorStep(ctx: DesignContext): Record<string, number> {
  const { model, b, o, G, D } = ctx;
  return T.tidy(() => {
    const gOpt = ctx.opt.gen.get(b.target)!,
      headOpt = ctx.opt.modeHead?.get(b.target) ?? null;
    gOpt.zeroGrad();
    headOpt?.zeroGrad();
    const own = new Set(G.parameters());
    const out = frozenParameters(
      model.parameters().filter((p) => !own.has(p)),
      () => {
        const { loss, logs, dFake } = model.autocast(() => {
          ctx.design = ctx.draw(ctx.input(), b.positive); // [B, 3, S, S]
          const dFake = D.forward(ctx.design);
          ctx.dReal = T.noGrad(() => D.forward(b.positive));
          const adv = ralsganGeneratorLoss(ctx.dReal, dFake);
          // s* [B] of the designed outfits, F in eval mode as for z_q and s+ (a batch of designs
          // alone would otherwise be normalized by its own statistics).
          ctx.sStar = o.genCompatLoss ? ctx.scoreDesign(ctx.design) : T.noGrad(() => ctx.scoreDesign(ctx.design));
          const gfm = o.genCompatLoss ? generatorCompatTerm(o.genCompatScale, ctx.sPos, ctx.sStar) : null; // Eq. 11
          let loss = gfm ? T.add(T.mul(adv, o.lambda3), T.mul(gfm, o.lambda1)) : T.mul(adv, o.lambda3);
          const logs: Record<string, T.Tensor | number> = { L_G_adv: adv, L_G_FM: gfm ?? NaN };
          for (const t of ctx.terms) {
            const g = t.generator?.(ctx);
            for (const p of g?.parts ?? []) loss = T.add(loss, T.mul(p.loss, p.weight));
            Object.assign(logs, g?.logs ?? {});
          }
          return { loss, logs, dFake };
        });
        loss.backward();
        gOpt.step();
        headOpt?.step();
        const values = Object.fromEntries(Object.entries(logs).map(([k, v]) => [k, typeof v === 'number' ? v : v.item()]));
        return {
          L_G: loss.item(),
          ...values,
          s_design: T.mean(ctx.sStar).item(),
          d_real: T.mean(ctx.dReal).item(),
          d_fake: T.mean(dFake).item(),
        };
      },
    );
    // userCond 'none': G's score input when designing is the running mean of positive scores.
    if (model.scoreMean) T.noGrad(() => T.lerp_(model.scoreMean!, T.reshape(T.mean(ctx.sPos), [1]), o.scoreMomentum));
    return out;
  });
}
