// An encoder-decoder image translator without skip connections, built from
// the preset's own encoder F and decoder G networks (so every baseline is
// sized like the designer): image [B, 3, 64, 64] -> code [B, latent] -> image.
// Pixel-level domain transfer's converter and DiscoGAN's generators are of this
// kind (a conv encoder to a bottleneck, a deconv decoder back).
import type * as T from '../../torch/index.js';
import * as nn from '../../nn/index.js';
import { Encoder, type EncoderConfig } from '../encoder.js';
import { Decoder, type DecoderConfig } from '../decoder.js';

export class Converter extends nn.Module {
  readonly encoder: Encoder;
  readonly decoder: Decoder;
  constructor(encoder: EncoderConfig, decoder: Omit<DecoderConfig, 'inputDim'>) {
    super();
    this.encoder = this.registerModule('encoder', new Encoder(encoder));
    this.decoder = this.registerModule('decoder', new Decoder({ ...decoder, inputDim: encoder.latent, inputNorm: false }));
  }
  /** x [B, 3, S, S] -> [B, 3, S, S] in [-1, 1] */
  forward(x: T.Tensor): T.Tensor {
    return this.decoder.forward(this.encoder.forward(x));
  }
}
