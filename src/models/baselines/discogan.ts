// DiscoGAN (Kim et al., ICML 2017), adapted to tops and bottoms as its two
// domains: G_tb (top -> bottom) and G_bt (bottom -> top), one discriminator per
// domain, and reconstruction losses |G_bt(G_tb(x_t)) - x_t|^2 and the reverse,
// trained without pairs (tops and bottoms from unrelated outfits), as its paper.
// Both generators exist whatever the task (the reconstruction needs both); the
// model designs the categories of its task. Networks: the preset's encoder and
// decoder (each generator) and discriminator.
import type * as T from '../../torch/index.js';
import { complementOf, type Category } from '../designer.js';
import type { ModelPreset } from '../presets.js';
import { RealFakeDiscriminator } from '../real_fake_discriminator.js';
import { BaselineModel, type BaselineConfig } from './baseline_model.js';
import { Converter } from './converter.js';

export interface DiscoGanConfig extends BaselineConfig {
  nets: ModelPreset;
}

export class DiscoGan extends BaselineModel {
  /** generator designing category c (from its complement) */
  readonly generators = new Map<Category, Converter>();
  /** discriminator of category c's real images */
  readonly discriminators = new Map<Category, RealFakeDiscriminator>();

  constructor(override readonly config: DiscoGanConfig) {
    super(config);
    const { encoder, decoder, discriminator } = config.nets;
    for (const c of ['bottom', 'top'] as Category[]) {
      this.generators.set(c, this.registerModule(`gen_${c}`, new Converter(encoder, decoder)));
      this.discriminators.set(c, this.registerModule(`disc_${c}`, new RealFakeDiscriminator(discriminator)));
    }
  }

  /** images of complementOf(target) -> images of target */
  generate(target: Category, x: T.Tensor): T.Tensor {
    return this.generators.get(target)!.forward(x);
  }

  translate(target: Category, queries: T.Tensor): T.Tensor {
    this.checkTarget(target);
    return this.generate(target, queries);
  }

  /** x of category c -> G_c(G_c'(x)): back to c through the other domain */
  reconstruct(c: Category, x: T.Tensor): T.Tensor {
    return this.generate(c, this.generate(complementOf(c), x));
  }
}
