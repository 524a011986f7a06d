// Pixel-level domain transfer (Yoo et al., ECCV 2016), adapted to "query item ->
// complementary item": per designed category, a converter C (encoder-decoder),
// a real/fake discriminator D_R that judges the image alone, and a domain
// discriminator D_A that judges the (query, image) pair stacked along channels:
// associated pairs (a query and its own complement) are real; unassociated pairs
// (a query and another outfit's complement) and (query, C(query)) are fake.
// C is trained to pass both. Networks: the preset's encoder/decoder (converter)
// and discriminator (D_R; D_A with 6 input channels).
import type * as T from '../../torch/index.js';
import type { Category } from '../designer.js';
import type { ModelPreset } from '../presets.js';
import { RealFakeDiscriminator } from '../real_fake_discriminator.js';
import { QueryPairDiscriminator } from '../query_pair_discriminator.js';
import { BaselineModel, type BaselineConfig } from './baseline_model.js';
import { Converter } from './converter.js';

export interface PixelDomainTransferConfig extends BaselineConfig {
  nets: ModelPreset;
}

export class PixelDomainTransfer extends BaselineModel {
  readonly converters = new Map<Category, Converter>();
  readonly realFake = new Map<Category, RealFakeDiscriminator>();
  readonly domain = new Map<Category, QueryPairDiscriminator>();

  constructor(override readonly config: PixelDomainTransferConfig) {
    super(config);
    const { encoder, decoder, discriminator } = config.nets;
    for (const c of config.targets) {
      this.converters.set(c, this.registerModule(`conv_${c}`, new Converter(encoder, decoder)));
      this.realFake.set(c, this.registerModule(`disc_${c}`, new RealFakeDiscriminator(discriminator)));
      this.domain.set(c, this.registerModule(`domain_${c}`, new QueryPairDiscriminator(discriminator)));
    }
  }

  translate(target: Category, queries: T.Tensor): T.Tensor {
    this.checkTarget(target);
    return this.converters.get(target)!.forward(queries);
  }
}
