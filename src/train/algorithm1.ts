// One iteration of the paper's Algorithm 1, on one batch per designed category:
//   (a) F, M, theta_u  <- Adam on L_FM = BPR(s+, s-) + l2 * ||theta_FM||^2          (Eq. 10)
//   then, for each designed category's batch:
//   (b) D (n_D times)  <- Adam on lambda2 * L_D^RaLSGAN(real c+, designed c*)         (Eq. 1)
//   (c) G              <- Adam on lambda1 * L_G^FM + lambda3 * L_G^RaLSGAN            (Eq. 11, 2)
//                         with F, M, theta_u and D fixed (their parameters are frozen,
//                         so backward computes no gradient for them at all).
// With a query-pair discriminator (an option beyond the paper, query_pair_discriminator.ts),
// (b) also updates D_pair once on lambda4 * L_Dpair, and (c) adds lambda4 * L_G^pair.
// With modeSeeking > 0 (also beyond the paper), (c) adds modeSeeking * L_ms, a mode-seeking
// term (Mao et al., CVPR 2019) over queries: each row's design is compared with the design
// for the same user and another row's query, and G is penalized when the two are closer than
// their query codes are (query_mode_seeking.ts).
// With lambdaRec > 0 (beyond the paper too), (c) adds lambdaRec * mean|G(z_q, theta_u) - x_c+|,
// pix2pix's paired L1 term: the complement this user chose for this query says directly how a
// design should change with its query, which L_G^FM conveys only through M's weak query-complement
// interaction (docs/training.md).
// With lambdaTv > 0 (beyond the paper), (c) adds lambdaTv * TV(G(z_q, theta_u)), the design's
// total variation (total_variation.ts): against the multicolour speckle that reads as a pattern.
// With designRank > 0 (beyond the paper), (c) adds designRank * L_rank, a ranking term through
// the fixed M: each design should score higher, under its own user and query, than the same
// user's design for another query and another user's design for the same query (design_ranking.ts).
// With designNegatives > 0 (beyond the paper), (a) adds designNegatives * BPR(s+, s(x_q+, G's
// design for the row)): the compatibility discriminator learns to rank the user's real complement
// above G's current design for the same user and query, so that G cannot satisfy Eq. 11 and the
// ranking term with features of M that no real item has (a matching-aware discriminator).
// With lambdaPick > 0 (beyond the paper), (c) adds lambdaPick * mean|G(z_q, theta_v) - x_pick|
// for the next row's user v: x_pick is the batch's real complement (positives and negatives)
// that the fixed M ranks first for (q, v) (m_pick.ts), a target for the users the data never
// pair with this query; pickQueryShare a moves a share a of it to the same user's design for
// the next row's query q' and M's pick for (q', u).
// Each step's optimizer owns exactly that step's parameters; nothing else moves.
import * as T from '../torch/index.js';
import type * as nn from '../nn/index.js';
import type { Category, Designer } from '../models/designer.js';
import { bprLoss, generatorCompatLoss, generatorCompatLossScaled } from '../models/compat_losses.js';
import { ralsganDiscriminatorLoss, ralsganGeneratorLoss } from '../models/ralsgan.js';
import { pairDiscriminatorLoss, pairGeneratorLoss, unassociated } from '../models/query_pair_discriminator.js';
import { queryModeSeekingLoss, nextRow, queryDiffersFromNext } from '../models/query_mode_seeking.js';
import { designRankingLoss, type DesignRanking } from '../models/design_ranking.js';
import { mPicks } from '../models/m_pick.js';
import { closestModes, randomModes } from '../models/design_modes.js';
import { binColourLoss, colourBins, foregroundMask, randomBins } from '../models/colour_modes.js';
import { totalVariation } from '../models/total_variation.js';

/** One batch of images in [-1, 1], all [B, 3, S, S], and users int64 [B]. */
export interface ImageBatch {
  target: Category; // the category designed in this batch (that of `positive`)
  users: T.Tensor;
  query: T.Tensor; // x_q+
  positive: T.Tensor; // x_c+
  negQuery: T.Tensor; // x_q- (= x_q+ for kind-1 negatives)
  negComplement: T.Tensor; // x_c-
  swapComplement?: T.Tensor; // x_c' (swapExtra runs): the complement of another of the user's outfits, scored with x_q+
  pickPool?: T.Tensor; // [N, 3, S, S] (pickPool runs): more random complements among which M picks (lambdaPick)
}

export interface StepOptions {
  nD: number;
  lambda1: number;
  lambda2: number;
  lambda3: number;
  l2: number; // lambda_theta_FM
  lambda4: number; // weight of the query-pair adversarial losses (used only when the model has D_pair)
  modeSeeking: number; // weight of the query mode-seeking term in (c); 0 = off (the paper)
  lambdaRec: number; // weight of L1(design, the outfit's own complement) in (c); 0 = off (the paper)
  lambdaTv?: number; // weight of the design's total variation in (c); 0 = off (the paper)
  modeColour?: number; // colour-mode runs: weight of (c)'s term keeping designs drawn in a random colour bin in that bin; 0 = off
  modeColourMask?: ModeColourMask; // the pixels whose mean colour that term takes (default 'design')
  msPool?: number; // the mode-seeking term compares K x K average-pooled designs (1 = pixels)
  msMask?: MsMask; // the pixels the mode-seeking term compares (default 'all')
  swapExtra?: number; // weight of (a)'s second BPR term, s+ against s(x_q+, x_c'), for batches with swapComplement; 0 = off (the paper)
  designRank?: number; // weight of (c)'s ranking term through M (own design against other queries' and users'); 0 = off (the paper)
  rankQueryShare?: number; // the query term's share of that term (default 1/2; 1 = the query term alone)
  designNegatives?: number; // weight of (a)'s third BPR term, s+ against the score of G's design for the row; 0 = off (the paper)
  lambdaPick?: number; // weight of (c)'s L1 term from counterfactual designs to M's picks for them; 0 = off (the paper)
  pickQueryShare?: number; // the other-query design's share of that term (default 0: the next row's user's design alone)
  genCompatLoss: boolean; // false: the "remove L_G^FM" ablation
  genCompatScale: GenCompatScale;
  scoreMomentum: number; // userCond 'none': running mean of positive scores
}

/**
 * Units of Eq. 11: 'none' = raw scores, as the paper prints it; 'positive-std' = scores
 * divided by max(1, the batch's spread of positive scores) (docs/training.md says why).
 */
export type GenCompatScale = 'none' | 'positive-std';
export const GEN_COMPAT_SCALES: readonly GenCompatScale[] = ['none', 'positive-std'];
/**
 * --mode-colour-mask: the pixels whose mean colour --mode-colour's term takes: 'design', every
 * pixel of the design darker than the background (the fourteenth round's runs); 'target', the
 * silhouette of the row's real complement, so that colouring background pixels cannot move it.
 */
export type ModeColourMask = 'design' | 'target';
export const MODE_COLOUR_MASKS: readonly ModeColourMask[] = ['design', 'target'];
/**
 * --ms-mask: the pixels the query mode-seeking term compares: 'all' (every run before the
 * option); 'target', the union of the two rows' real complements' silhouettes, so that
 * colour put on the background cannot make two designs differ (fifteenth round).
 */
export type MsMask = 'all' | 'target';
export const MS_MASKS: readonly MsMask[] = ['all', 'target'];

export interface Optimizers {
  compat: nn.Optimizer; // F, M, theta_u
  disc: Map<Category, nn.Optimizer>;
  gen: Map<Category, nn.Optimizer>;
  pairDisc?: Map<Category, nn.Optimizer>; // one per query-pair discriminator
  modeHead?: Map<Category, nn.Optimizer>; // G's mode head (colour modes), stepped with G in (c)
}

/** Losses and diagnostics of one iteration (plain numbers, logged per iteration). */
export interface StepLosses {
  L_FM: number; // (a) total, with the L2 term
  bpr: number; // (a) ranking part
  auc_batch: number; // share of rows with s+ > s-
  bpr_swap?: number; // (a) swapExtra runs: the ranking term against the user's other complement, unweighted
  auc_swap?: number; // swapExtra runs: share of rows with s+ > s'
  bpr_design?: number; // designNegatives runs: the ranking term against G's designs, unweighted
  auc_design?: number; // designNegatives runs: share of rows with s+ > s(design)
  L_D: number; // (b) last of the n_D updates
  L_G: number; // (c) total
  L_G_adv: number;
  L_G_FM: number; // NaN when the loss is switched off
  s_pos: number;
  s_neg: number;
  s_design: number;
  d_real: number;
  d_fake: number;
  L_Dpair?: number; // (b) the query-pair discriminator's loss (models with D_pair)
  L_G_pair?: number; // (c) G's query-pair term, unweighted
  L_G_ms?: number; // (c) the query mode-seeking term, unweighted
  L_G_rec?: number; // (c) the L1 term to the own complement, unweighted
  L_G_tv?: number; // (c) lambdaTv runs: the design's total variation, unweighted
  L_G_prior?: number; // (c) colour-mode runs: cross-entropy of G's mode head against the targets' colour bins (added to L_G at weight 1)
  L_G_colour?: number; // (c) modeColour runs: how far designs' mean colours lie outside their bins (binColourLoss), unweighted
  L_G_rank?: number; // (c) designRank runs: the ranking term through M, unweighted
  g_query_win?: number; // designRank runs: share of rows whose design beats, under M, the same user's design for another query
  g_user_win?: number; // designRank runs: share of rows whose design beats, under M, another user's design for the same query
  L_G_pick?: number; // (c) lambdaPick runs: the L1 term to M's pick, unweighted
  pick_own?: number; // lambdaPick runs: share of rows whose pick for the next row's user is the row's own positive
  /** When an iteration designs both categories: (b) and (c)'s values per category. */
  by_target?: Record<string, Pick<StepLosses, 'L_D' | 'L_G' | 'L_G_adv' | 'L_G_FM' | 's_design' | 'd_real' | 'd_fake' | 'L_Dpair' | 'L_G_pair' | 'L_G_ms' | 'L_G_rec' | 'L_G_tv' | 'L_G_prior' | 'L_G_colour' | 'L_G_rank' | 'g_query_win' | 'g_user_win' | 'L_G_pick' | 'pick_own'>>;
}

/** Runs fn with module in eval mode, restoring its mode after. */
export function inEvalMode<R>(module: nn.Module, fn: () => R): R {
  const was = module.training;
  module.eval();
  try {
    return fn();
  } finally {
    module.train(was);
  }
}

/** Runs fn with the given parameters' requires_grad off, restoring it after. */
function frozen<R>(params: T.Tensor[], fn: () => R): R {
  for (const p of params) p.requiresGrad = false;
  try {
    return fn();
  } finally {
    for (const p of params) p.requiresGrad = true;
  }
}

/** Milliseconds spent in each step, accumulated (CPU timings; on CUDA they measure launch time only). */
export interface StepTiming {
  a: number;
  b: number;
  c: number;
}

/**
 * One iteration on one batch per designed category (a run doing both tasks passes a
 * top->bottom and a bottom->top batch): (a) once on all their outfits, then (b) and (c)
 * for each batch's G and D. So every G update is paired with exactly one update of the
 * compatibility discriminator, whatever the number of tasks (alternating tasks between
 * iterations would move F, and so G's input codes, twice per G update; measured to keep
 * G from converging).
 */
export function algorithm1Step(model: Designer, opt: Optimizers, batches: ImageBatch | ImageBatch[], o: StepOptions, timing?: StepTiming): StepLosses {
  return T.tidy(() => algorithm1StepIn(model, opt, (Array.isArray(batches) ? batches : [batches]).map((b) => inModelLayout(model, b)), o, timing));
}

/** The batch's images in the model's memory layout (channels-last by default); tensors belong to the caller's scope. */
function inModelLayout(model: Designer, b: ImageBatch): ImageBatch {
  const f = (x: T.Tensor) => model.images(x);
  return { ...b, query: f(b.query), positive: f(b.positive), negQuery: f(b.negQuery), negComplement: f(b.negComplement), ...(b.swapComplement ? { swapComplement: f(b.swapComplement) } : {}), ...(b.pickPool ? { pickPool: f(b.pickPool) } : {}) };
}

function algorithm1StepIn(model: Designer, opt: Optimizers, list: ImageBatch[], o: StepOptions, timing?: StepTiming): StepLosses {
  if (new Set(list.map((b) => b.target)).size !== list.length) throw new Error('algorithm1Step: one batch per designed category');
  const out = {} as StepLosses;
  let t0 = performance.now();
  const lap = (k: keyof StepTiming) => {
    const t = performance.now();
    if (timing) timing[k] += t - t0;
    t0 = t;
  };

  Object.assign(out, compatStep(model, opt, list, o));
  lap('a');

  const per = list.map((b) => designerSteps(model, opt, b, o, lap));
  // Top-level values are means over the designed categories; each category's are kept too.
  for (const k of ['L_D', 'L_G', 'L_G_adv', 'L_G_FM', 's_design', 'd_real', 'd_fake'] as const) out[k] = per.reduce((a, p) => a + p[k], 0) / per.length;
  for (const k of ['L_Dpair', 'L_G_pair', 'L_G_ms', 'L_G_rec', 'L_G_tv', 'L_G_prior', 'L_G_colour', 'L_G_rank', 'g_query_win', 'g_user_win', 'L_G_pick', 'pick_own'] as const) if (per.every((p) => p[k] !== undefined)) out[k] = per.reduce((a, p) => a + p[k]!, 0) / per.length;
  if (list.length > 1) out.by_target = Object.fromEntries(list.map((b, i) => [b.target, per[i]!]));
  return out;
}

type CompatLosses = Pick<StepLosses, 'L_FM' | 'bpr' | 'auc_batch' | 's_pos' | 's_neg' | 'bpr_swap' | 'auc_swap' | 'bpr_design' | 'auc_design'>;

/**
 * Step (a) alone: one Adam step of F, M and theta_u on L_FM over every outfit of the batches.
 * With swapExtra > 0 and batches that carry swapComplement, L_FM gains swapExtra x BPR(s+, s'),
 * s' = M(theta_u * z_q+ * F(x_c')): the same user and query with another of the user's
 * complements, which M can rank below s+ only through the query-complement interaction. It is
 * added to the paper's kind-1/2 term rather than replacing some of its rows (--swap-negatives),
 * which slowed M's learning of users' tastes (docs/training.md, fifth and sixth rounds).
 * With designNegatives > 0, L_FM also gains designNegatives x BPR(s+, s*), s* = M(theta_u * z_q+ *
 * F(G's design for the row)), the design made as design() makes it (no gradient to G) and
 * embedded with F's running statistics, as step (c) embeds it (its batch statistics would mix
 * designs into F's normalization of real items).
 */
export function compatStep(model: Designer, opt: Optimizers, list: ImageBatch[], o: Pick<StepOptions, 'l2' | 'swapExtra' | 'designNegatives'>): CompatLosses {
  const F = model.encoder;
  const out = {} as CompatLosses;
  T.tidy(() => {
    opt.compat.zeroGrad();
    const all = (k: 'users' | 'query' | 'positive' | 'negQuery' | 'negComplement' | 'swapComplement') =>
      (list.length === 1 ? list[0]![k]! : T.cat(list.map((b) => b[k]!), 0));
    const users = all('users');
    const swapW = (o.swapExtra ?? 0) > 0 && list.every((b) => b.swapComplement) ? o.swapExtra! : 0;
    const parts = [all('query'), all('positive'), all('negQuery'), all('negComplement'), ...(swapW ? [all('swapComplement')] : [])];
    const designW = o.designNegatives ?? 0;
    // G's current design for each row's user and query [N, 3, S, S] (float32, no gradient).
    const designs = designW > 0 ? T.cat(list.map((b) => model.design(b.query, b.users, b.target)), 0) : null;
    // Forward passes and losses in the model's precision; backward and the step outside it, as
    // torch.autocast is meant to be used (the backward ops follow the forward ops' dtypes).
    const { loss, sPos, sNeg, sSwap, swapTerm, sDesign, designTerm } = model.autocast(() => {
      const z = F.forward(model.images(T.cat(parts, 0))); // [4N or 5N, latent]
      const [zq, zc, zqn, zcn, zcs] = T.chunk(z, parts.length, 0) as [T.Tensor, T.Tensor, T.Tensor, T.Tensor, T.Tensor?];
      const sPos = model.score(users, zq, zc), sNeg = model.score(users, zqn, zcn); // [N]
      // theta_FM = the parameters of F and M; theta_u is learned by L_FM but not regularized (Eq. 10).
      let loss = bprLoss(sPos, sNeg, [...F.parameters(), ...model.metric.parameters()], o.l2);
      const sSwap = zcs ? model.score(users, zq, zcs) : null; // [N]
      const swapTerm = sSwap ? bprLoss(sPos, sSwap) : null;
      if (swapTerm) loss = T.add(loss, T.mul(swapTerm, swapW));
      const sDesign = designs ? inEvalMode(F, () => model.score(users, zq, F.forward(model.images(designs)))) : null; // [N]
      const designTerm = sDesign ? bprLoss(sPos, sDesign) : null;
      if (designTerm) loss = T.add(loss, T.mul(designTerm, designW));
      return { loss, sPos, sNeg, sSwap, swapTerm, sDesign, designTerm };
    });
    const bpr = T.noGrad(() => bprLoss(sPos, sNeg));
    loss.backward();
    opt.compat.step();
    out.L_FM = loss.item();
    out.bpr = bpr.item();
    out.auc_batch = T.mean(T.toDtype(T.gt(sPos, sNeg), 'float32')).item();
    out.s_pos = T.mean(sPos).item();
    out.s_neg = T.mean(sNeg).item();
    if (sSwap && swapTerm) {
      out.bpr_swap = swapTerm.item();
      out.auc_swap = T.mean(T.toDtype(T.gt(sPos, sSwap), 'float32')).item();
    }
    if (sDesign && designTerm) {
      out.bpr_design = designTerm.item();
      out.auc_design = T.mean(T.toDtype(T.gt(sPos, sDesign), 'float32')).item();
    }
  });
  return out;
}

type DesignerLosses = Pick<StepLosses, 'L_D' | 'L_G' | 'L_G_adv' | 'L_G_FM' | 's_design' | 'd_real' | 'd_fake' | 'L_Dpair' | 'L_G_pair' | 'L_G_ms' | 'L_G_rec' | 'L_G_tv' | 'L_G_prior' | 'L_G_colour' | 'L_G_rank' | 'g_query_win' | 'g_user_win' | 'L_G_pick' | 'pick_own'>;

/** Steps (b) and (c) for one batch's designed category. */
function designerSteps(model: Designer, opt: Optimizers, b: ImageBatch, o: StepOptions, lap: (k: keyof StepTiming) => void): DesignerLosses {
  const F = model.encoder;
  const out = {} as DesignerLosses;
  // Query codes and positive scores under the updated F, M, theta_u: constants for (b) and (c).
  // F embeds with its running statistics (eval mode), as when designing: G is trained on the
  // codes it will be given (in training mode they would depend on the batch), and s+ is on the
  // scale of L_G^FM's s* below. [B, latent], [B]
  const pickW = o.lambdaPick ?? 0;
  const [zq, sPos, zPool] = inEvalMode(F, () => T.tidy(() => T.noGrad(() => model.autocast(() => {
    const z = F.forward(model.images(T.cat([b.query, b.positive], 0)));
    const [zq, zc] = T.chunk(z, 2, 0) as [T.Tensor, T.Tensor];
    // M's pick's pool: the codes of the batch's positives, negative complements and any extra
    // pool items [2B + N, latent] (a pass of its own, so that the option cannot change zq and s+)
    const zPool = pickW > 0 ? T.keep(T.cat([zc, F.forward(model.images(pickCandidates(b, false)))], 0)) : null;
    return [T.keep(zq.contiguous()), T.keep(model.score(b.users, zq, zc)), zPool] as const;
  }))));
  // Colour modes: the positives' colour bins, the modes of (b)'s and (c)'s designs [B] (kept for both steps).
  const positiveBins = model.colourModes ? T.keep(colourBins(b.positive, model.config.colourModes!)) : null;
  // modeColour runs: a random colour bin per row [B], (c)'s free draw, which D also sees in (b) for half the rows.
  const colourW = model.colourModes ? (o.modeColour ?? 0) : 0;
  const freeBins = colourW > 0 ? T.keep(randomBins(b.users.size(0), model.config.colourModes!, model.device)) : null;
  try {
    const G = model.generator(b.target), D = model.discriminator(b.target);
    const Dp = model.pairDiscriminators.get(b.target) ?? null;
    const genInput = () => model.generatorInput(zq, b.users, sPos);

    // (b) the real/fake discriminator, n_D updates against the same designs.
    T.tidy(() => {
      // With design modes, D sees every mode alike (any of them may be M's choice when designing);
      // with colour modes, the designs of (c) (each in its positive's colour; with modeColour, half
      // of the rows in (c)'s random bins instead).
      const modes = freeBins ? T.where(T.lt(T.rand([freeBins.size(0)], { device: model.device }), 0.5), freeBins, positiveBins!)
        : positiveBins ?? (G.modes > 1 ? randomModes(G.modes, b.users.size(0), model.device) : undefined);
      const fake = T.noGrad(() => model.autocast(() => G.forward(genInput(), modes))); // [B, 3, S, S]
      const dOpt = opt.disc.get(b.target)!;
      for (let t = 0; t < o.nD; t++) {
        T.tidy(() => {
          dOpt.zeroGrad();
          const loss = model.autocast(() => T.mul(ralsganDiscriminatorLoss(D.forward(b.positive), D.forward(fake)), o.lambda2));
          loss.backward();
          dOpt.step();
          if (t === o.nD - 1) out.L_D = loss.item();
        });
      }
      // D_pair: one update; real = (query, its complement), fake = (query, design) and (query, another outfit's complement).
      if (Dp) {
        T.tidy(() => {
          const pOpt = opt.pairDisc!.get(b.target)!;
          pOpt.zeroGrad();
          const loss = model.autocast(() => T.mul(pairDiscriminatorLoss(Dp.pair(b.query, b.positive), Dp.pair(b.query, fake), Dp.pair(b.query, unassociated(b.positive))), o.lambda4));
          loss.backward();
          pOpt.step();
          out.L_Dpair = loss.item();
        });
      }
    });
    lap('b');

    // (c) the decoder G, both discriminators fixed.
    T.tidy(() => {
      const gOpt = opt.gen.get(b.target)!;
      const headOpt = opt.modeHead?.get(b.target) ?? null;
      gOpt.zeroGrad();
      headOpt?.zeroGrad();
      const fixed = [...model.compatParameters(), ...D.parameters(), ...(Dp ? Dp.parameters() : [])];
      frozen(fixed, () => {
        const rankW = o.designRank ?? 0;
        const { loss, adv, gfm, pair, ms, rec, tv, rank, pick, prior, colour, sStar, dReal, dFake } = model.autocast(() => {
          // With design modes, each design takes the mode closest to its L1 target (design_modes.ts);
          // with colour modes, its target's colour bin, and G's mode head learns to predict that bin
          // (cross-entropy, mean over the designs with a target; colour_modes.ts). The mode-seeking
          // and ranking terms then compare designs that may be in different modes: for colour
          // modes, a change of colour with the query counts as following it.
          const priorLosses: T.Tensor[] = [];
          const draw = (h: T.Tensor, target: T.Tensor | null) => {
            if (model.colourModes) {
              const r = G.forwardWithPrior(h, target ? (target === b.positive ? positiveBins! : colourBins(target, model.config.colourModes!)) : undefined);
              if (target) priorLosses.push(T.crossEntropy(r.logits, r.modes));
              return r.image;
            }
            return G.forward(h, G.modes === 1 ? undefined : target ? closestModes(G, h, target) : randomModes(G.modes, h.size(0), model.device));
          };
          const fake = draw(genInput(), b.positive);
          const dFake = D.forward(fake);
          const dReal = T.noGrad(() => D.forward(b.positive));
          const adv = ralsganGeneratorLoss(dReal, dFake);
          // L_G^FM compares s* of the designed outfits with s+ of the positives [B]. F embeds
          // the designs with its running statistics (eval mode), as it embedded zq and s+: in
          // training mode a batch of designs alone would be normalized by its own statistics, so
          // their codes would not be comparable with real items' and G would be steered through
          // batch statistics.
          const sStar = inEvalMode(F, () => (o.genCompatLoss ? model.score(b.users, zq, F.forward(fake)) : T.noGrad(() => model.score(b.users, zq, F.forward(fake)))));
          // Eq. 11 as printed, or in units of the positives' spread (see GenCompatScale).
          const gfm = !o.genCompatLoss ? null : o.genCompatScale === 'positive-std' ? generatorCompatLossScaled(sPos, sStar) : generatorCompatLoss(sPos, sStar);
          const pair = Dp ? pairGeneratorLoss(Dp.pair(b.query, fake)) : null;
          let loss = gfm ? T.add(T.mul(adv, o.lambda3), T.mul(gfm, o.lambda1)) : T.mul(adv, o.lambda3);
          if (pair) loss = T.add(loss, T.mul(pair, o.lambda4));
          // The same users' designs for the next row's queries [B, 3, S, S] (shared by the mode-seeking, ranking and pick terms).
          const pickQuery = pickW > 0 ? (o.pickQueryShare ?? 0) : 0; // the other query's share of the pick term
          const otherUsers = nextRow(b.users); // [B]
          const picks = zPool ? pickTargets(model, b, zq, zPool, otherUsers, pickQuery) : null;
          const forNextQuery = (o.modeSeeking > 0 || rankW > 0 || pickQuery > 0) && b.users.size(0) > 1 ? draw(model.generatorInput(nextRow(zq), b.users, nextRow(sPos)), picks?.forNextQuery ?? null) : null;
          // --ms-mask target: the union of this row's and the next row's real complements' silhouettes [B, 1, S, S].
          const targetMask = o.modeSeeking > 0 && forNextQuery && o.msMask === 'target' ? foregroundMask(b.positive) : null; // [B, 1, S, S]
          const msMask = targetMask ? T.maximum(targetMask, nextRow(targetMask)) : undefined;
          const ms = o.modeSeeking > 0 && forNextQuery ? queryModeSeekingLoss(zq, fake, forNextQuery, o.msPool ?? 1, msMask) : null;
          if (ms) loss = T.add(loss, T.mul(ms, o.modeSeeking));
          const rec = o.lambdaRec > 0 ? T.l1Loss(T.toDtype(fake, 'float32'), b.positive) : null; // the design in fp32 under bf16 autocast
          if (rec) loss = T.add(loss, T.mul(rec, o.lambdaRec));
          const tv = (o.lambdaTv ?? 0) > 0 ? totalVariation(fake) : null; // [] fp32
          if (tv) loss = T.add(loss, T.mul(tv, o.lambdaTv!));
          // The next row's user's design for this row's query [B, 3, S, S] (shared by the ranking and pick terms).
          const rankUsers = rankW > 0 && forNextQuery && model.config.userCond !== 'none' && (o.rankQueryShare ?? 0.5) < 1;
          const forNextUser = rankUsers || (zPool && pickQuery < 1) ? draw(model.generatorInput(zq, otherUsers, sPos), picks?.forNextUser ?? null) : null;
          const rank = rankW > 0 && forNextQuery ? rankDesigns(model, b, zq, fake, o.genCompatLoss ? sStar : null, forNextQuery, rankUsers ? forNextUser : null, o.rankQueryShare ?? 0.5) : null;
          if (rank) loss = T.add(loss, T.mul(rank.loss, rankW));
          const pick = picks ? pickTerm(picks, forNextUser, forNextQuery, pickQuery, zq.device as T.Device) : null;
          if (pick) loss = T.add(loss, T.mul(pick.l1, pickW));
          const prior = priorLosses.length ? T.div(priorLosses.reduce((a, x) => T.add(a, x)), priorLosses.length) : null; // []
          if (prior) loss = T.add(loss, prior);
          // modeColour: the rows' designs in random colour bins must look real (RaLSGAN, weight
          // lambda3) and lie in their bins, as the teacher-forced designs must lie in their targets'.
          let colour: T.Tensor | null = null;
          if (freeBins) {
            // (A second training-mode pass of G: its BatchNorm running statistics also see these designs,
            // which the random bins make part of what G draws.)
            const free = G.forward(genInput(), freeBins); // [B, 3, S, S]
            loss = T.add(loss, T.mul(ralsganGeneratorLoss(dReal, D.forward(free)), o.lambda3));
            const mask = o.modeColourMask === 'target' ? foregroundMask(b.positive) : undefined; // [B, 1, S, S]
            colour = T.div(T.add(binColourLoss(free, freeBins, model.config.colourModes!, mask), binColourLoss(fake, positiveBins!, model.config.colourModes!, mask)), 2); // []
            loss = T.add(loss, T.mul(colour, colourW));
          }
          return { loss, adv, gfm, pair, ms, rec, tv, rank, pick, prior, colour, sStar, dReal, dFake };
        });
        if (pair) out.L_G_pair = pair.item();
        if (ms) out.L_G_ms = ms.item();
        if (rec) out.L_G_rec = rec.item();
        if (tv) out.L_G_tv = tv.item();
        if (prior) out.L_G_prior = prior.item();
        if (colour) out.L_G_colour = colour.item();
        if (pick) {
          out.L_G_pick = pick.l1.item();
          out.pick_own = pick.own.item();
        }
        if (rank) {
          out.L_G_rank = rank.loss.item();
          out.g_query_win = rank.queryWin.item();
          out.g_user_win = rank.userWin.item();
        }
        out.L_G_FM = gfm ? gfm.item() : NaN;
        loss.backward();
        gOpt.step();
        headOpt?.step();
        out.L_G = loss.item();
        out.L_G_adv = adv.item();
        out.s_design = T.mean(sStar).item();
        out.d_real = T.mean(dReal).item();
        out.d_fake = T.mean(dFake).item();
      });
      if (model.scoreMean) {
        T.noGrad(() => T.lerp_(model.scoreMean!, T.reshape(T.mean(sPos), [1]), o.scoreMomentum));
      }
    });
    lap('c');
  } finally {
    T.dispose([zq, sPos, ...(zPool ? [zPool] : []), ...(positiveBins ? [positiveBins] : []), ...(freeBins ? [freeBins] : [])]);
  }
  return out;
}

/**
 * (c)'s ranking term (design_ranking.ts) for one batch: the design for each row against the
 * same user's design for the next row's query (forNextQuery) and the next row's user's design
 * for this row's query (forNextUser, drawn by the caller; null in user-unaware models and with
 * queryShare 1, when the user term is left out and g_user_win is NaN), all scored under the
 * row's own user and query, F in eval mode as for s*. sOwn: s* when it was computed with
 * gradient, else null.
 */
function rankDesigns(model: Designer, b: ImageBatch, zq: T.Tensor, fake: T.Tensor, sOwn: T.Tensor | null, forNextQuery: T.Tensor, forNextUser: T.Tensor | null, queryShare: number): DesignRanking {
  const F = model.encoder;
  const scoreOf = (design: T.Tensor) => inEvalMode(F, () => model.score(b.users, zq, F.forward(design))); // [B]
  return designRankingLoss(sOwn ?? scoreOf(fake), scoreOf(forNextQuery), forNextUser ? scoreOf(forNextUser) : null, queryDiffersFromNext(zq), forNextUser ? T.ne(b.users, nextRow(b.users)) : null, queryShare);
}

/** M's pick's candidates: the batch's positives (withPositives), negative complements and pickPool. [(B +) B (+ N), 3, S, S] */
function pickCandidates(b: ImageBatch, withPositives: boolean): T.Tensor {
  return T.cat([...(withPositives ? [b.positive] : []), b.negComplement, ...(b.pickPool ? [b.pickPool] : [])], 0);
}

/** M's picks for (c)'s two counterfactual designs (null where that half has weight 0), and `own` (see pickTerm). */
interface PickTargets {
  forNextUser: T.Tensor | null; // pick(q_i, u_{i+1}) [B, 3, S, S]
  forNextQuery: T.Tensor | null; // pick(q_{i+1}, u_i) [B, 3, S, S]
  own: T.Tensor; // [] share of the other-user picks that are the row's own positive (NaN without that half)
}

/**
 * The real complements, among the batch's positives, negatives and pickPool (pool codes zPool
 * [2B + N, latent]), that the fixed M ranks first for (q_i, u_{i+1}) and for (q_{i+1}, u_i),
 * otherUsers = u_{i+1} [B], a = queryShare. Drawn before the designs, which with design modes
 * take the mode closest to them. Rows whose next row has the same user (about 1 in #users) get
 * M's pick for their own user. A batch of one row has no next query (its user half remains).
 */
function pickTargets(model: Designer, b: ImageBatch, zq: T.Tensor, zPool: T.Tensor, otherUsers: T.Tensor, queryShare: number): PickTargets {
  const pool = pickCandidates(b, true); // [2B + N, 3, S, S]
  const B = zq.size(0);
  const userPicks = queryShare < 1 ? mPicks(model, otherUsers, zq, zPool) : null; // [B] into the pool
  const queryPicks = queryShare > 0 && B > 1 ? mPicks(model, b.users, nextRow(zq), zPool) : null;
  const own = userPicks ? T.mean(T.toDtype(T.eq(userPicks, T.arange(0, B, 1, { dtype: 'int64', device: userPicks.device })), 'float32')) : T.scalarTensor(NaN);
  return { forNextUser: userPicks ? T.indexSelect(pool, 0, userPicks) : null, forNextQuery: queryPicks ? T.indexSelect(pool, 0, queryPicks) : null, own };
}

/**
 * (c)'s pick term (m_pick.ts): L1 from a counterfactual design to M's pick for it (pickTargets):
 *   (1 - a) |G(q_i, u_{i+1}) - pick(q_i, u_{i+1})| + a |G(q_{i+1}, u_i) - pick(q_{i+1}, u_i)|,
 * forNextUser / forNextQuery [B, 3, S, S] being those two designs, a = queryShare.
 */
function pickTerm(picks: PickTargets, forNextUser: T.Tensor | null, forNextQuery: T.Tensor | null, queryShare: number, device: T.Device): { l1: T.Tensor; own: T.Tensor } {
  const l1 = (design: T.Tensor | null, target: T.Tensor | null, w: number) => (design && target ? T.mul(T.l1Loss(T.toDtype(design, 'float32'), target), w) : T.scalarTensor(0, { device }));
  return { l1: T.add(l1(forNextUser, picks.forNextUser, 1 - queryShare), l1(forNextQuery, picks.forNextQuery, queryShare)), own: picks.own };
}
