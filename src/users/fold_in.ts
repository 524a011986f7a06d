// Learning new users without retraining (section 4.4): "keep all other
// parameters fixed and only learn theta_u for the newcomers". F, M, G and D are
// frozen; each new user's theta_u [latent] is learned by BPR (Eq. 6-7) on their
// outfits against both negative kinds, exactly as step (a) of Algorithm 1 learns
// the trained users' vectors, but on F's codes computed once (F is frozen, so a
// code never changes): each Adam step is a few small matrix products on a
// minibatch of the user's outfits, and a new user takes milliseconds.
//   start ('nearest', the default): the trained user whose vector ranks the new
//     user's outfits best (lowest BPR loss on them), so the new vector starts
//     among the vectors G was trained on; 'mean': the mean trained vector
//   L2 to that start keeps a user with only a handful of outfits near it
// bench/fold_in.ts measures both starts, the steps and how few outfits work.
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';
import type { Designer } from '../models/designer.js';
import { bprLoss } from '../models/compat_losses.js';
import { Rng } from '../data/rng.js';

/** An outfit as rows of the code tables (FoldInInput.tops / .bottoms). */
export interface CodedOutfit {
  top: number;
  bottom: number;
}

export interface FoldInInput {
  tops: T.Tensor; // F's codes of the catalog's tops [Nt, latent] (eval mode)
  bottoms: T.Tensor; // [Nb, latent]
  users: CodedOutfit[][]; // per new user, the outfits they made or liked (at least one)
  others: CodedOutfit[]; // outfits of other users: the kind-2 negatives
}

export interface FoldInOptions {
  steps: number; // Adam steps (full batch: every positive of every new user each step)
  lr: number;
  l2: number; // weight of ||theta - prior||^2
  negativeMix: number; // share of kind-1 negatives (one piece replaced by a random catalog item)
  negatives: number; // negatives per positive per step
  batch: number; // positives per user per step (all of them when the user has fewer)
  start: 'nearest' | 'mean';
  seed: number;
}

export const DEFAULT_FOLD_IN: FoldInOptions = {
  steps: 100,
  lr: 0.05,
  l2: 1e-3,
  negativeMix: 0.5,
  negatives: 2,
  batch: 64,
  start: 'nearest',
  seed: 1,
};

export interface FoldInResult {
  theta: T.Tensor; // [users, latent] float32 on the CPU (kept: the caller disposes it)
  startUsers: number[]; // per new user, the trained user it started from (-1: the mean)
  loss: number[]; // BPR + L2 per step
  seconds: number;
}

/** The new users' theta_u, learned with every parameter of `model` frozen (none of them changes). */
export function foldInUsers(model: Designer, input: FoldInInput, opts: FoldInOptions = DEFAULT_FOLD_IN): FoldInResult {
  const t0 = performance.now();
  if (!model.userVectors) throw new Error('this model is user-unaware (user conditioning none): it has no theta_u to learn');
  if (model.config.userCond !== 'vector')
    throw new Error(
      `a model with user conditioning '${model.config.userCond}' cannot take new users: G was trained on ${model.config.userCond === 'label' ? 'one-hot labels of its own users' : 'no user input'}, not on theta_u`,
    );
  input.users.forEach((os, i) => {
    if (os.length === 0) throw new Error(`new user #${i + 1} has no outfits: at least one is needed`);
  });
  if (input.others.length === 0 && opts.negativeMix < 1)
    throw new Error('fold-in needs outfits of other users for kind-2 negatives (or negativeMix 1)');
  const device = model.device;
  const n = input.users.length,
    latent = model.latent;
  const rng = new Rng(opts.seed, 'fold-in');
  const nt = input.tops.size(0),
    nb = input.bottoms.size(0);
  const frozen = model.parameters();
  const was = frozen.map((p) => p.requiresGrad);
  for (const p of frozen) p.requiresGrad = false;
  const owned: T.Tensor[] = []; // kept here, disposed in finally
  const own = (t: T.Tensor) => {
    owned.push(t);
    return t;
  };
  try {
    // F's codes where the model lives (the caller's may be on the CPU). [Nt | Nb, latent]
    const tops = own(T.tidy(() => T.keep(T.toDevice(input.tops, device).clone())));
    const bottoms = own(T.tidy(() => T.keep(T.toDevice(input.bottoms, device).clone())));
    const idx = (xs: number[]) => T.toDevice(T.tensor(xs, { dtype: 'int64' }), device);
    /** Negatives for positives `os`: kind 1 (one piece swapped for a random catalog item) or kind 2 (another user's outfit). */
    const negativesOf = (os: CodedOutfit[]): CodedOutfit[] =>
      os.map((o) => {
        if (rng.next() < opts.negativeMix || input.others.length === 0)
          return rng.next() < 0.5 ? { top: o.top, bottom: rng.int(nb) } : { top: rng.int(nt), bottom: o.bottom };
        return rng.pick(input.others);
      });
    const batchOf = (os: CodedOutfit[]) => (os.length <= opts.batch ? os : Array.from({ length: opts.batch }, () => rng.pick(os)));
    const codes = (os: CodedOutfit[]) =>
      T.mul(T.indexSelect(tops, 0, idx(os.map((o) => o.top))), T.indexSelect(bottoms, 0, idx(os.map((o) => o.bottom)))); // z_t * z_b [R, latent]
    // Where each new user starts (and is pulled back to): the best-fitting trained vector, or the mean one.
    const trained = own(T.tidy(() => T.keep(T.narrow(model.userVectors!.weight, 0, 0, model.config.users)))); // [U, latent], the trained users only
    const startUsers = input.users.map((os) => {
      if (opts.start === 'mean') return -1;
      const p = batchOf(os).flatMap((o) => Array(opts.negatives).fill(o) as CodedOutfit[]);
      const ng = negativesOf(p);
      return T.tidy(() =>
        T.noGrad(() => {
          // BPR loss of every trained user's vector on these outfits: [U]
          const zp = codes(p),
            zn = codes(ng); // [R, latent]
          const u = trained.size(0),
            r = p.length;
          const s = (z: T.Tensor) =>
            T.reshape(model.metric.forward(T.reshape(T.mul(T.unsqueeze(trained, 1), T.unsqueeze(z, 0)), [u * r, latent])), [u, r]);
          const l = T.neg(T.mean(T.logSigmoid(T.sub(s(zp), s(zn))), [1]));
          return T.argmin(l).item();
        }),
      );
    });
    const prior = own(
      T.tidy(() =>
        T.keep(
          T.noGrad(() =>
            T.cat(
              startUsers.map((v) => (v < 0 ? T.mean(trained, [0], true) : T.narrow(trained, 0, v, 1))),
              0,
            ),
          ),
        ),
      ),
    ); // [n, latent]
    const theta = own(T.tidy(() => T.keep(T.noGrad(() => prior.clone())))); // [n, latent], a leaf
    theta.requiresGrad = true;
    const adam = new nn.Adam([theta], { lr: opts.lr, betas: [0.9, 0.999] });
    const loss: number[] = [];
    try {
      for (let step = 0; step < opts.steps; step++) {
        T.tidy(() => {
          // Each user's minibatch of positives, each with `negatives` fresh negatives.
          const rows = input.users.map((os, u) => ({ u, p: batchOf(os).flatMap((o) => Array(opts.negatives).fill(o) as CodedOutfit[]) }));
          const users = rows.flatMap(({ u, p }) => p.map(() => u));
          const pos = rows.flatMap(({ p }) => p),
            neg = negativesOf(pos);
          adam.zeroGrad();
          const th = T.indexSelect(theta, 0, idx(users)); // [R, latent]
          const score = (os: CodedOutfit[]) => model.metric.forward(T.mul(th, codes(os))); // [R]
          const l = T.add(bprLoss(score(pos), score(neg)), T.mul(T.sum(T.square(T.sub(theta, prior))), opts.l2 / n));
          l.backward();
          adam.step();
          loss.push(l.item());
        });
      }
      const out = T.tidy(() => T.keep(T.noGrad(() => T.toDevice(T.detach(theta), 'cpu').contiguous().clone())));
      return { theta: out, startUsers, loss, seconds: (performance.now() - t0) / 1000 };
    } finally {
      adam.dispose();
    }
  } finally {
    frozen.forEach((p, i) => {
      p.requiresGrad = was[i]!;
    });
    T.dispose(owned);
  }
}
