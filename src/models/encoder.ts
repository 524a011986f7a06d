// The encoder F (section 3): a VGG16-like conv stack whose last three fully
// connected layers have 1024, 512 and 64 channels; z = F(x) is 64-d. F is
// shared by the generator (z_q) and the Siamese compatibility discriminator
// (z_q, z_c). Blocks of 3x3 convs (+ BatchNorm, as vgg16_bn) and ReLU, each
// block ending in a 2x2 max-pool; the `paper` preset has VGG16's five blocks
// (64, 128, 256, 512, 512 channels; 2, 2, 3, 3, 3 convs).
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';

export interface EncoderConfig {
  imageSize: number;
  blocks: number[][]; // conv widths per block
  batchNorm: boolean;
  fc: number[]; // hidden fully connected widths before the latent layer
  latent: number;
}

export const PAPER_ENCODER: EncoderConfig = {
  imageSize: 64,
  blocks: [
    [64, 64],
    [128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [512, 512, 512],
  ],
  batchNorm: true,
  fc: [1024, 512],
  latent: 64,
};

class MaxPool2 extends nn.Module {
  forward(x: T.Tensor): T.Tensor {
    return T.maxPool2d(x, 2);
  }
}

export class Encoder extends nn.Module {
  readonly features: nn.Sequential;
  readonly head: nn.Sequential;

  constructor(readonly config: EncoderConfig = PAPER_ENCODER) {
    super();
    const layers: nn.LayerModule[] = [];
    let c = 3;
    for (const block of config.blocks) {
      for (const w of block) {
        layers.push(new nn.Conv2d(c, w, 3, { padding: 1, bias: !config.batchNorm }));
        if (config.batchNorm) layers.push(new nn.BatchNorm2d(w));
        layers.push(new nn.ReLU());
        c = w;
      }
      layers.push(new MaxPool2());
    }
    const side = config.imageSize / 2 ** config.blocks.length;
    if (!Number.isInteger(side) || side < 1)
      throw new Error(`Encoder: image size ${config.imageSize} does not survive ${config.blocks.length} 2x2 pools`);
    this.features = this.registerModule('features', new nn.Sequential(...layers));
    const head: nn.LayerModule[] = [new nn.Flatten()];
    let d = c * side * side;
    for (const w of config.fc) {
      head.push(new nn.Linear(d, w), new nn.ReLU());
      d = w;
    }
    head.push(new nn.Linear(d, config.latent));
    this.head = this.registerModule('head', new nn.Sequential(...head));
  }

  /** x [N, 3, S, S] in [-1, 1] -> z [N, latent] */
  forward(x: T.Tensor): T.Tensor {
    // float32 codes whatever the compute precision: scores and losses are built on them.
    return T.toDtype(this.head.forward(this.features.forward(x)), 'float32');
  }
}
