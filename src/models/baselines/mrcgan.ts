// MrCGAN (Shih et al., AAAI 2018: "Compatibility Family Learning for Item
// Recommendation and Generation"), adapted to "query item -> complementary item"
// at 64x64 and sized by the preset:
//  - a projection (compatibility) embedding learned first: an embedding network E
//    (the preset's encoder) maps an item to a unit code e(x) [d]; per designed
//    category, K linear projections map a query's code to its K prototypes
//    p_k(q) [K, d], the "compatibility family": the items that go with q lie near
//    one of them. Distance d(q, c) = min_k |p_k(q) - e(c)|^2 (a soft minimum, so
//    every prototype gets gradient), ranked against random complements (BPR);
//  - then, with E and the projections fixed, a conditional GAN per designed
//    category: G(e, n) [B, 3, S, S] from a code e and noise n, trained on the
//    codes of real complements e(x_c+) against a real/fake discriminator, with the
//    metric regularization |e(G(e, n)) - e|^2: the design must embed where it was
//    asked to be;
//  - designing: G(p_k(q), 0), a compatible prototype of the query (k = 0: the
//    first member of the family; noise 0, so a design is deterministic).
// No users (like every baseline).
import * as T from '../../torch/index.js';
import * as nn from '../../nn/index.js';
import type { Category } from '../designer.js';
import type { ModelPreset } from '../presets.js';
import { Encoder } from '../encoder.js';
import { Decoder } from '../decoder.js';
import { RealFakeDiscriminator } from '../real_fake_discriminator.js';
import { BaselineModel, type BaselineConfig } from './baseline_model.js';

export interface MrCganConfig extends BaselineConfig {
  nets: ModelPreset;
  prototypes: number; // K, the size of a compatibility family
  noise: number; // dimension of G's noise input
}

/** Rows scaled to unit length [B, d]. */
export function unit(x: T.Tensor): T.Tensor {
  return T.div(x, T.clamp(T.norm(x, 2, -1, true), 1e-6));
}

export class MrCgan extends BaselineModel {
  readonly embed: Encoder;
  readonly projections = new Map<Category, nn.Linear>();
  readonly generators = new Map<Category, Decoder>();
  readonly discriminators = new Map<Category, RealFakeDiscriminator>();
  readonly dim: number;

  constructor(override readonly config: MrCganConfig) {
    super(config);
    const { encoder, decoder, discriminator } = config.nets;
    this.dim = encoder.latent;
    this.embed = this.registerModule('embed', new Encoder(encoder));
    for (const c of config.targets) {
      this.projections.set(c, this.registerModule(`proj_${c}`, new nn.Linear(this.dim, config.prototypes * this.dim)));
      this.generators.set(
        c,
        this.registerModule(`gen_${c}`, new Decoder({ ...decoder, inputDim: this.dim + config.noise, inputNorm: false })),
      );
      this.discriminators.set(c, this.registerModule(`disc_${c}`, new RealFakeDiscriminator(discriminator)));
    }
  }

  /** e(x): unit codes [B, d] of images [B, 3, S, S] (model layout). */
  code(x: T.Tensor): T.Tensor {
    return unit(this.embed.forward(x));
  }

  /** The K prototypes of each query's compatibility family for `target`: unit vectors [B, K, d]. */
  prototypes(target: Category, queryCodes: T.Tensor): T.Tensor {
    const p = this.projections.get(target)!.forward(queryCodes); // [B, K * d]
    return unit(T.reshape(p, [queryCodes.size(0), this.config.prototypes, this.dim]));
  }

  /** Projected compatibility distance [B]: a soft minimum over k of |p_k(q) - e(c)|^2 (temperature 0.1). */
  distance(target: Category, queryCodes: T.Tensor, complementCodes: T.Tensor): T.Tensor {
    const d = T.sum(T.square(T.sub(this.prototypes(target, queryCodes), T.unsqueeze(complementCodes, 1))), -1); // [B, K]
    return T.mul(T.logsumexp(T.mul(d, -10), -1), -0.1);
  }

  /** G(e, n) [B, 3, S, S] for codes e [B, d] and noise n [B, noise]. */
  generate(target: Category, codes: T.Tensor, noise: T.Tensor): T.Tensor {
    return this.generators.get(target)!.forward(T.cat([codes, noise], 1));
  }

  translate(target: Category, queries: T.Tensor): T.Tensor {
    this.checkTarget(target);
    const p = T.select(this.prototypes(target, this.code(queries)), 1, 0); // [B, d]: the family's first member
    return this.generate(target, p, T.zeros([p.size(0), this.config.noise], { device: p.device }));
  }
}
