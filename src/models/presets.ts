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

/** The image sizes the networks are built for: the project's 64x64 and the paper's 128x128. */
export const IMAGE_SIZES = [64, 128] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];

/**
 * A preset's networks at another image size, as the paper's Fig. 3 does for 128x128: the same
 * layers, with G's fc drawing a larger first map (8x8 at 128 with four stride-2 layers), the
 * encoder's and D's last maps twice the side (their fc layers take 4x the inputs).
 */
export function withImageSize(model: ModelPreset, size: number): ModelPreset {
  const up = model.decoder.strides.reduce((a, s) => a * s, 1);
  if (!Number.isInteger(size / up) || size / up < 1) throw new Error(`image size ${size} is not a multiple of G's upsampling ${up}`);
  const startSize = size / up;
  return {
    ...model,
    encoder: { ...model.encoder, imageSize: size },
    decoder: { ...model.decoder, ...(startSize === 4 && model.decoder.startSize === undefined ? {} : { startSize }) },
    discriminator: { ...model.discriminator, imageSize: size },
  };
}

/** The side of the images a model config works on (its encoder's; validation keeps G and D equal to it). */
export function modelImageSize(model: Pick<ModelPreset, 'encoder'>): number {
  return model.encoder.imageSize;
}
