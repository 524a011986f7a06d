// The personalized fashion designer (section 3, Fig. 2): one module holding
//   F        encoder, shared by the generator and the compatibility discriminator
//   M        metric net; s_{u,o} = M(theta_u * z_q * z_c)                (Eq. 3-5)
//   theta_u  learned 64-d user preference vectors                         (an Embedding)
//   G_c      a decoder per designed category c: [z_q, condition] -> image
//   D_c      a real/fake discriminator per designed category (RaLSGAN)
//   Dp_c     optional (beyond the paper): a query-pair discriminator per category
// A run that designs bottoms for tops has G_bottom/D_bottom; one that does
// both tasks has both pairs, sharing F, M and theta_u.
//
// User conditioning of G (section 4.2 ablations):
//   vector  [z_q, theta_u]            the paper's model
//   label   [z_q, one-hot(u)]         a discrete user label, as vanilla conditional GANs
//   none    [z_q, s_o]                user-unaware: no theta_u anywhere; s_o = M(z_q * z_c+)
//           in training, and the running mean of positive scores when designing
//           (there is no complement to score at design time).
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';
import { Encoder } from './encoder.js';
import { Decoder } from './decoder.js';
import { RealFakeDiscriminator } from './real_fake_discriminator.js';
import { MetricNet, compatibilityScore } from './metric_net.js';
import { QueryPairDiscriminator } from './query_pair_discriminator.js';
import type { ModelPreset } from './presets.js';
import { colourModeCount } from './colour_modes.js';

export type Category = 'top' | 'bottom';
export type UserCond = 'vector' | 'label' | 'none';
export const USER_CONDS: readonly UserCond[] = ['vector', 'label', 'none'];

export interface DesignerConfig extends ModelPreset {
  users: number;
  userCond: UserCond;
  targets: Category[]; // the categories this model designs
  /** Keep an exponential moving average of each G's weights (generator_average.ts), which designs. */
  averageGenerators?: boolean;
}

export const complementOf = (c: Category): Category => (c === 'top' ? 'bottom' : 'top');

export class Designer extends nn.Module {
  readonly encoder: Encoder;
  readonly metric: MetricNet;
  readonly userVectors: nn.Embedding | null;
  readonly generators = new Map<Category, Decoder>();
  readonly discriminators = new Map<Category, RealFakeDiscriminator>();
  /**
   * With config.averageGenerators: per designed category, a G whose weights are the moving
   * average of the trained G's (ProGAN/StyleGAN's G_ema). design() draws with it; training never
   * steps it (generator_average.ts updates it after each iteration).
   */
  readonly averagedGenerators = new Map<Category, Decoder>();
  /** Empty unless config.pairDiscriminator. */
  readonly pairDiscriminators = new Map<Category, QueryPairDiscriminator>();
  /**
   * Colour-mode models with a colour history (config.colourHistory > 0): per designed category,
   * the lift of each colour bin among each user's training complements [users, modes]
   * (colour_modes.ts colourHistory; counted when training starts, appended with added users).
   */
  readonly colourHistories = new Map<Category, T.Tensor>();
  /** The weight of the colour history when designing (config.colourHistory unless changed for an evaluation). */
  colourHistoryWeight = 0;
  /** userCond 'none': running mean of positive outfits' scores, G's score input when designing. [1] */
  readonly scoreMean: T.Tensor | null;
  readonly latent: number;
  /** Compute precision of every forward pass (a runtime setting: weights stay float32 either way). */
  precision: T.Precision = 'fp32';
  /**
   * Memory layout of images and feature maps. Channels-last (NHWC) lets oneDNN run every
   * convolution without layout conversions: measured 1.06x (cpu preset) and 1.15x (paper)
   * faster per Algorithm 1 iteration in float32 on this project's CPU (docs/benchmarks.md).
   */
  get memoryFormat(): T.MemoryFormat {
    return this.generators.values().next().value!.memoryFormat;
  }
  set memoryFormat(f: T.MemoryFormat) {
    for (const g of [...this.generators.values(), ...this.averagedGenerators.values()]) g.memoryFormat = f;
  }

  /** Images [B, 3, S, S] in the model's memory layout (the same tensor when already so). */
  images(x: T.Tensor): T.Tensor {
    return T.contiguous(x, this.memoryFormat);
  }

  constructor(readonly config: DesignerConfig) {
    super();
    if (!Number.isInteger(config.users) || config.users < 1)
      throw new Error(`Designer: users must be a positive integer, got ${config.users}`);
    if (config.targets.length === 0) throw new Error('Designer: no target category');
    this.latent = config.encoder.latent;
    this.encoder = this.registerModule('encoder', new Encoder(config.encoder));
    this.metric = this.registerModule('metric', new MetricNet(this.latent, config.metricHidden));
    this.userVectors = config.userCond === 'none' ? null : this.registerModule('user_vectors', new nn.Embedding(config.users, this.latent));
    this.scoreMean = config.userCond === 'none' ? this.registerBuffer('score_mean', T.zeros([1])) : null;
    const condDim = { vector: this.latent, label: config.users, none: 1 }[config.userCond];
    const inputDim = this.latent + condDim; // G's input: [z_q, the user's condition]
    for (const c of config.targets) {
      this.generators.set(
        c,
        this.registerModule(`gen_${c}`, new Decoder({ ...config.decoder, inputDim, modes: this.modes, modePrior: this.colourModes })),
      );
      this.discriminators.set(c, this.registerModule(`disc_${c}`, new RealFakeDiscriminator(config.discriminator)));
      if (config.pairDiscriminator)
        this.pairDiscriminators.set(c, this.registerModule(`pair_disc_${c}`, new QueryPairDiscriminator(config.discriminator)));
    }
    // Built after every other module, so that a model without averages is initialized as before.
    if (config.averageGenerators) {
      if (this.colourModes) throw new Error('Designer: averaged generators are not built for colour modes');
      for (const c of config.targets) {
        const avg = this.registerModule(`gen_avg_${c}`, new Decoder({ ...config.decoder, inputDim }));
        T.noGrad(() => {
          for (const [p, q] of avg.parameters().map((p, i) => [p, this.generators.get(c)!.parameters()[i]!] as const)) {
            T.copy_(p, q);
            p.requiresGrad = false;
          }
        });
        this.averagedGenerators.set(c, avg);
      }
    }
    if ((config.colourHistory ?? 0) > 0) {
      if (!this.colourModes) throw new Error('Designer: a colour history needs colour modes');
      for (const c of config.targets)
        this.colourHistories.set(c, this.registerBuffer(`colour_history_${c}`, T.zeros([config.users, this.modes])));
      this.colourHistoryWeight = config.colourHistory!;
    }
  }

  /** G's modes per (query, user): the colour bins of a colour-mode model; 1 = the paper's deterministic G. */
  get modes(): number {
    return this.config.colourModes ? colourModeCount(this.config.colourModes) : 1;
  }

  /** Whether G's modes are colour bins chosen by its own head (colour_modes.ts) rather than by M. */
  get colourModes(): boolean {
    return (this.config.colourModes ?? 0) > 0;
  }

  generator(c: Category): Decoder {
    const g = this.generators.get(c);
    if (!g) throw new Error(`this model does not design ${c}s (it designs ${this.config.targets.join(' and ')}s)`);
    return g;
  }

  discriminator(c: Category): RealFakeDiscriminator {
    const d = this.discriminators.get(c);
    if (!d) throw new Error(`this model has no discriminator for ${c}s`);
    return d;
  }

  /** theta_u per row [B, latent]; all ones when the model is user-unaware. users: int64 [B] */
  theta(users: T.Tensor): T.Tensor {
    if (!this.userVectors) return T.ones([users.size(0), this.latent], { device: users.device });
    return this.userVectors.forward(users);
  }

  /** s_{u,o} [B] of outfits (z_q, z_c) [B, latent] for users [B]. */
  score(users: T.Tensor, zq: T.Tensor, zc: T.Tensor): T.Tensor {
    return compatibilityScore(this.metric, this.theta(users), zq, zc);
  }

  /**
   * G's input [B, latent + cond] for queries zq [B, latent] and users [B].
   * `positiveScore` [B] (userCond 'none', training only): the positive outfits' scores.
   */
  generatorInput(zq: T.Tensor, users: T.Tensor, positiveScore?: T.Tensor): T.Tensor {
    switch (this.config.userCond) {
      case 'vector':
        return T.cat([zq, T.detach(this.userVectors!.forward(users))], 1);
      case 'label': {
        const onehot = T.toDtype(
          T.eq(T.unsqueeze(users, 1), T.unsqueeze(T.arange(0, this.config.users, 1, { dtype: 'int64', device: users.device }), 0)),
          zq.dtype,
        );
        return T.cat([zq, onehot], 1); // [B, latent + users]
      }
      case 'none': {
        const s = positiveScore ? T.detach(positiveScore) : T.expand(this.scoreMean!, [zq.size(0)]);
        return T.cat([zq, T.unsqueeze(s, 1)], 1);
      }
    }
  }

  /** The device of the model's parameters. */
  get device(): T.Device {
    return this.metric.parameters()[0]!.device as T.Device;
  }

  /** Runs fn in this model's precision on its device (libtorch's autocast for bf16). */
  autocast<R>(fn: () => R): R {
    return T.withPrecision(this.precision, this.device, fn);
  }

  /** Designs items of category `target` for query images [B, 3, S, S] and users [B] (eval mode, no grad) -> float32 [B, 3, S, S]. */
  design(queries: T.Tensor, users: T.Tensor, target: Category): T.Tensor {
    return this.designMode(() => this.generate(this.encoder.forward(this.images(queries)), users, target));
  }

  /**
   * The query codes z_q = F(x_q) [B, latent] (float32) that design() computes for query images
   * [B, 3, S, S]: a server keeps them per catalog item and designs with designFromCodes().
   */
  queryCodes(queries: T.Tensor): T.Tensor {
    return this.designMode(() => T.toDtype(this.encoder.forward(this.images(queries)), 'float32'));
  }

  /** design() from query codes zq [B, latent] (queryCodes()) instead of images: the same designs. */
  designFromCodes(zq: T.Tensor, users: T.Tensor, target: Category): T.Tensor {
    return this.designMode(() => this.generate(zq, users, target));
  }

  /**
   * G's design [B, 3, S, S] float32 for codes zq [B, latent] (inside designMode); a colour-mode G
   * draws in the bin its head (and the user's colour history) ranks first.
   */
  private generate(zq: T.Tensor, users: T.Tensor, target: Category): T.Tensor {
    const G = this.averagedGenerators.get(target) ?? this.generator(target);
    if (this.colourModes)
      return T.contiguous(
        T.toDtype(G.forwardWithPrior(this.generatorInput(zq, users), undefined, this.colourBias(users, target)).image, 'float32'),
      );
    return T.contiguous(T.toDtype(G.forward(this.generatorInput(zq, users)), 'float32'));
  }

  /** The colour history's bias on the head's log-probabilities [B, modes] for users [B], or undefined (none, or weight 0). */
  colourBias(users: T.Tensor, target: Category): T.Tensor | undefined {
    const h = this.colourHistories.get(target);
    if (!h || this.colourHistoryWeight === 0) {
      if (this.colourHistoryWeight > 0 && !h)
        throw new Error(`this model has no colour history for ${target}s (train it with --colour-history)`);
      return undefined;
    }
    return T.mul(T.indexSelect(h, 0, users), this.colourHistoryWeight);
  }

  /**
   * Replaces the colour history of designed category c for the trained users by history
   * [config.users, modes] (colour_modes.ts colourHistory); added users' rows are kept.
   */
  setColourHistory(c: Category, history: T.Tensor): void {
    const h = this.colourHistories.get(c);
    if (!h) throw new Error(`this model keeps no colour history for ${c}s`);
    if (history.ndim !== 2 || history.size(0) !== this.config.users || history.size(1) !== h.size(1))
      throw new Error(
        `setColourHistory: expected [${this.config.users}, ${h.size(1)}] (the trained users), got [${history.shape.join(', ')}]`,
      );
    T.noGrad(() =>
      T.tidy(() => {
        T.copy_(T.narrow(h, 0, 0, this.config.users), T.toDevice(T.toDtype(history, h.dtype), h.device as T.Device));
      }),
    );
  }

  /** fn in eval mode (running statistics), without grad, in the model's precision; the mode is restored after. */
  private designMode(fn: () => T.Tensor): T.Tensor {
    const wasTraining = this.training;
    this.eval();
    try {
      return T.tidy(() => T.noGrad(() => this.autocast(fn)));
    } finally {
      this.train(wasTraining);
    }
  }

  /**
   * Appends users learned after training (fold-in): theta [n, latent] become users
   * config.users .. config.users + n - 1. The trained users' vectors are not touched.
   */
  appendUsers(theta: T.Tensor, histories?: ReadonlyMap<Category, T.Tensor>): void {
    if (!this.userVectors || this.config.userCond !== 'vector')
      throw new Error(`a model with user conditioning '${this.config.userCond}' cannot take new users`);
    if (theta.ndim !== 2 || theta.size(1) !== this.latent)
      throw new Error(`appendUsers: expected vectors [n, ${this.latent}], got [${theta.shape.join(', ')}]`);
    const n = theta.size(0);
    for (const [c, h] of histories ?? []) {
      if (!this.colourHistories.has(c)) throw new Error(`appendUsers: this model keeps no colour history for ${c}s`);
      if (h.ndim !== 2 || h.size(0) !== n || h.size(1) !== this.modes)
        throw new Error(`appendUsers: expected ${c} colour histories [${n}, ${this.modes}], got [${h.shape.join(', ')}]`);
    }
    const grow = (w: T.Tensor, rows: T.Tensor) => {
      // w takes the grown tensor's storage (PyTorch's `.data =`); the temporary's handle is freed by tidy.
      T.noGrad(() => T.tidy(() => T.setData(w, T.cat([w, T.toDevice(T.toDtype(rows, w.dtype), w.device as T.Device)], 0))));
    };
    grow(this.userVectors.weight, theta);
    // A new user without a history of a category gets lift 0: the head alone chooses the colour.
    for (const [c, h] of this.colourHistories) T.tidy(() => grow(h, histories?.get(c) ?? T.zeros([n, this.modes])));
  }

  /** The number of users the model designs for (trained + appended). */
  get userCount(): number {
    return this.userVectors ? this.userVectors.weight.size(0) : this.config.users;
  }

  /** Parameter sets of Algorithm 1's three steps. */
  compatParameters(): T.Tensor[] {
    return nn.parametersOf(this.encoder, this.metric, ...(this.userVectors ? [this.userVectors] : []));
  }
}
