// Model presets: the paper's networks, and a narrower `cpu` preset of the same
// structure (encoder blocks of 3x3 convs + fc 3-layer head; decoder fc -> 4x4
// then six 5x5 transposed convs with strides 2,1,2,1,2,2 and an RGB layer;
// 4-conv discriminator + fc) sized so the demo trains in minutes on 2 cores.
import { PAPER_ENCODER, type EncoderConfig } from './encoder.js';
import { PAPER_DECODER, type DecoderConfig } from './decoder.js';
import { PAPER_DISCRIMINATOR, type DiscriminatorConfig } from './real_fake_discriminator.js';

export interface ModelPreset {
  encoder: EncoderConfig;
  metricHidden: number[]; // the metric net M's hidden widths
  decoder: Omit<DecoderConfig, 'inputDim'>; // inputDim follows from the user conditioning
  discriminator: DiscriminatorConfig;
  /**
   * A query-pair discriminator per designed category (query_pair_discriminator.ts), an
   * option beyond the paper; its loss weight is the training config's lambda4.
   */
  pairDiscriminator?: boolean;
  /**
   * Colour modes (colour_modes.ts, `--colour-modes L`), an option beyond the paper: G's modes
   * are the L^3 bins of an item's mean colour, chosen by a head of G trained as a classifier
   * on its targets' colours. Absent or 0: none.
   */
  colourModes?: number;
  /**
   * With colour modes (`--colour-history A`, beyond the paper): designing adds A x the lift of
   * each colour bin among the user's own training complements against everyone's
   * (colour_modes.ts colourHistory) to the head's log-probabilities before taking the first
   * bin. The lifts are buffers of the model, counted from the training split when training
   * starts. Absent or 0: the head alone.
   */
  colourHistory?: number;
}

export const MODEL_PRESETS = {
  paper: {
    encoder: PAPER_ENCODER,
    metricHidden: [128],
    decoder: {
      baseChannels: PAPER_DECODER.baseChannels,
      channels: PAPER_DECODER.channels,
      strides: PAPER_DECODER.strides,
      kernel: 5,
      imageChannels: 3,
    },
    discriminator: PAPER_DISCRIMINATOR,
  },
  cpu: {
    encoder: { imageSize: 64, blocks: [[8], [16], [32], [64]], batchNorm: true, fc: [256, 128], latent: 64 },
    metricHidden: [128],
    // G standardizes its input [z_q, theta_u] (docs/training.md: without it G ignores the query).
    decoder: {
      baseChannels: 64,
      channels: [64, 48, 48, 32, 24, 12],
      strides: [2, 1, 2, 1, 2, 2],
      kernel: 5,
      imageChannels: 3,
      inputNorm: true,
    },
    discriminator: { imageSize: 64, imageChannels: 3, channels: [12, 24, 48, 64], kernel: 5, hidden: 128 },
  },
} as const satisfies Record<string, ModelPreset>;

export type ModelPresetName = keyof typeof MODEL_PRESETS;
