// The real/fake discriminator D of the paper (Fig. 3): 5x5 convs 64 s2,
// 128 s2 BN, 256 s2 BN, 512 s2 BN (LeakyReLU 0.2), fc 1024, fc 1.
// Its raw score feeds the RaLSGAN losses.
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';

export interface DiscriminatorConfig {
  imageSize: number;
  imageChannels: number;
  channels: number[]; // stride-2 convs; BatchNorm on all but the first
  kernel: number;
  hidden: number; // the fc layer before the score
}

export const PAPER_DISCRIMINATOR: DiscriminatorConfig = {
  imageSize: 64,
  imageChannels: 3,
  channels: [64, 128, 256, 512],
  kernel: 5,
  hidden: 1024,
};

export class RealFakeDiscriminator extends nn.Module {
  readonly convs: nn.Sequential;
  readonly head: nn.Sequential;

  constructor(readonly config: DiscriminatorConfig = PAPER_DISCRIMINATOR) {
    super();
    const { imageSize, imageChannels, channels, kernel, hidden } = config;
    const layers: nn.LayerModule[] = [];
    let c = imageChannels;
    channels.forEach((out, i) => {
      layers.push(new nn.Conv2d(c, out, kernel, { stride: 2, padding: Math.floor(kernel / 2) }));
      if (i > 0) layers.push(new nn.BatchNorm2d(out));
      layers.push(new nn.LeakyReLU(0.2));
      c = out;
    });
    this.convs = this.registerModule('convs', new nn.Sequential(...layers));
    const side = imageSize / 2 ** channels.length;
    if (!Number.isInteger(side) || side < 1)
      throw new Error(`RealFakeDiscriminator: image size ${imageSize} is not divisible by 2^${channels.length}`);
    this.head = this.registerModule(
      'head',
      new nn.Sequential(new nn.Flatten(), new nn.Linear(c * side * side, hidden), new nn.LeakyReLU(0.2), new nn.Linear(hidden, 1)),
    );
    nn.dcganInit(this);
  }

  /** x [N, 3, S, S] -> score [N] */
  forward(x: T.Tensor): T.Tensor {
    return T.toDtype(T.reshape(this.head.forward(this.convs.forward(x)), [-1]), 'float32'); // float32 for the losses
  }
}
