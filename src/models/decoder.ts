// The decoder G of the paper (Fig. 3): [z_q, theta_u] -> a 64x64 item image.
//   fc -> 4x4x256, then 5x5 transposed convs 256 s2, 256 s1, 256 s2, 256 s1,
//   128 s2, 64 s2 (each with BatchNorm and LeakyReLU 0.2), and 3 s1 with tanh.
// Widths and strides are configurable so a narrower CPU preset keeps the
// structure. Stride-2 layers use padding 2 + output padding 1, so each
// doubles the size exactly (TensorFlow's 'SAME', as the paper's code base).
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';

export interface DecoderConfig {
  inputDim: number; // 64 (z_q) + 64 (theta_u) in the paper
  baseChannels: number; // channels of the 4x4 map after fc
  channels: number[]; // per transposed conv, before the RGB layer
  strides: number[];
  kernel: number;
  imageChannels: number;
  /**
   * Standardize G's input per dimension (BatchNorm1d without affine: batch statistics in
   * training, running ones when designing) so that z_q and theta_u reach G on one scale.
   * Not in the paper (its G takes [z_q, theta_u] as is); docs/training.md has the experiments.
   */
  inputNorm?: boolean;
  /**
   * Modes (beyond the paper; colour modes, colour_modes.ts): K learned offsets of G's 4x4 map,
   * one per mode, so that one (query, user) can be drawn K ways. Absent or 1: the paper's
   * deterministic G.
   */
  modes?: number;
  /**
   * How a stride-2 layer doubles the map: 'transposed' (the paper's 5x5 transposed convolution,
   * whose uneven kernel overlap draws a checkerboard), or 'nearest': nearest-neighbour upsampling
   * then a convolution (Odena et al., Distill 2016), which cannot. Absent: 'transposed'.
   */
  upsample?: 'transposed' | 'nearest';
  /**
   * A head that predicts each row's mode from G's input (colour_modes.ts, `--colour-modes`):
   * [inputDim] -> 64 -> [modes] logits, on G's input (standardized with inputNorm). Needs modes > 1.
   */
  modePrior?: boolean;
  /**
   * Side of the map fc draws (absent: 4). The paper's Fig. 3 designs 128x128 with the same six
   * layers (four of stride 2), so its fc draws 8x8: `withImageSize` (presets.ts) sets it.
   */
  startSize?: number;
}

/**
 * Standard deviation of the mode offsets at initialization. A trained cpu-preset G's fc outputs
 * vary across (query, user) with a standard deviation of about 0.7 (its fc_norm's running
 * variance is about 0.48), and Adam at 2e-4 moves an offset by at most about 0.1 in 600
 * iterations: offsets of 0.1 (tried first) stay a slight shade of one design (docs/training.md,
 * thirteenth round). At 0.35 two modes differ about half as much as two (query, user) inputs
 * do, so a warm-started G starts with distinct alternatives for M to choose among.
 */
export const MODE_INIT_STD = 0.35;

export const PAPER_DECODER: DecoderConfig = {
  inputDim: 128,
  baseChannels: 256,
  channels: [256, 256, 256, 256, 128, 64],
  strides: [2, 1, 2, 1, 2, 2],
  kernel: 5,
  imageChannels: 3,
};

export class Decoder extends nn.Module {
  readonly inputNorm: nn.BatchNorm1d | null;
  readonly fc: nn.Linear;
  readonly fcNorm: nn.BatchNorm2d;
  /** [modes, baseChannels * startSize^2] when config.modes > 1, else null. */
  readonly modeEmbedding: nn.Embedding | null;
  /** [N, inputDim] -> [N, modes] logits when config.modePrior, else null. */
  readonly modePrior: nn.Sequential | null;
  readonly body: nn.Sequential;
  readonly imageSize: number;
  /** Memory layout of the feature maps (a runtime setting, set through the Designer). */
  memoryFormat: T.MemoryFormat = 'channels_last';

  constructor(readonly config: DecoderConfig = PAPER_DECODER) {
    super();
    const { inputDim, baseChannels, channels, strides, kernel, imageChannels } = config;
    if (channels.length !== strides.length) throw new Error('Decoder: channels and strides need the same length');
    this.inputNorm = config.inputNorm ? this.registerModule('input_norm', new nn.BatchNorm1d(inputDim, { affine: false })) : null;
    const start = config.startSize ?? 4;
    if (!Number.isInteger(start) || start < 1) throw new Error(`Decoder: startSize must be a positive integer, got ${start}`);
    this.fc = this.registerModule('fc', new nn.Linear(inputDim, baseChannels * start * start));
    this.fcNorm = this.registerModule('fc_norm', new nn.BatchNorm2d(baseChannels));
    const layers: nn.LayerModule[] = [];
    let c = baseChannels;
    const pad = Math.floor(kernel / 2);
    channels.forEach((out, i) => {
      const s = strides[i]!;
      if (config.upsample === 'nearest')
        layers.push(...(s > 1 ? [new nn.UpsampleNearest(s)] : []), new nn.Conv2d(c, out, kernel, { padding: pad }));
      else layers.push(new nn.ConvTranspose2d(c, out, kernel, { stride: s, padding: pad, outputPadding: s - 1 }));
      layers.push(new nn.BatchNorm2d(out), new nn.LeakyReLU(0.2));
      c = out;
    });
    layers.push(new nn.ConvTranspose2d(c, imageChannels, kernel, { stride: 1, padding: pad }), new nn.Tanh());
    this.body = this.registerModule('body', new nn.Sequential(...layers));
    this.imageSize = start * strides.reduce((a, s) => a * s, 1);
    nn.dcganInit(this);
    // The mode modules last, so that the paper's layers draw the same initial weights with or without them.
    const modes = config.modes ?? 1;
    if (!Number.isInteger(modes) || modes < 1) throw new Error(`Decoder: modes must be a positive integer, got ${modes}`);
    this.modeEmbedding = modes > 1 ? this.registerModule('mode_embedding', new nn.Embedding(modes, baseChannels * start * start)) : null;
    if (this.modeEmbedding) nn.normalInit_(this.modeEmbedding.weight, 0, MODE_INIT_STD);
    if (config.modePrior && modes < 2) throw new Error('Decoder: a mode prior needs modes > 1');
    this.modePrior = config.modePrior
      ? this.registerModule('mode_prior', new nn.Sequential(new nn.Linear(inputDim, 64), new nn.LeakyReLU(0.2), new nn.Linear(64, modes)))
      : null;
  }

  /** The number of design modes (1: the paper's G). */
  get modes(): number {
    return this.config.modes ?? 1;
  }

  /**
   * h [N, inputDim] -> image [N, 3, S, S] in [-1, 1]. modes: int64 [N] in [0, modes), required
   * when the decoder has modes (and refused when it has none).
   */
  forward(h: T.Tensor, modes?: T.Tensor): T.Tensor {
    if (!!this.modeEmbedding !== !!modes)
      throw new Error(
        this.modeEmbedding ? `Decoder: this G has ${this.modes} design modes; give each row's mode` : 'Decoder: this G has no design modes',
      );
    return this.decode(this.normalize(h), modes);
  }

  /**
   * With a mode prior: its logits [N, modes] (float32) and the image drawn in `modes` (int64 [N],
   * the teacher's) or, without them, in the mode the prior ranks first (`modes` returned).
   */
  forwardWithPrior(h: T.Tensor, modes?: T.Tensor, bias?: T.Tensor): { image: T.Tensor; logits: T.Tensor; modes: T.Tensor } {
    if (!this.modePrior) throw new Error('Decoder: this G has no mode prior');
    const hn = this.normalize(h); // once: in training, each pass moves the running statistics
    const logits = T.toDtype(this.modePrior.forward(hn), 'float32');
    // Without a teacher: the first bin of the head's log-probabilities, plus bias [N, modes] when given.
    const m = modes ?? T.argmax(bias ? T.add(T.logSoftmax(T.detach(logits), 1), bias) : T.detach(logits), 1);
    return { image: this.decode(hn, m), logits, modes: m };
  }

  private normalize(h: T.Tensor): T.Tensor {
    return this.inputNorm ? this.inputNorm.forward(h) : h;
  }

  private decode(hn: T.Tensor, modes?: T.Tensor): T.Tensor {
    let a = this.fc.forward(hn); // [N, C * s0 * s0]
    if (this.modeEmbedding) a = T.add(a, T.toDtype(this.modeEmbedding.forward(modes!), a.dtype));
    // [N, C, s0, s0] (s0 = startSize, 4 at 64x64), laid out as the convolutions below run fastest (channels-last)
    const s0 = this.config.startSize ?? 4;
    const x = T.contiguous(T.reshape(a, [-1, this.config.baseChannels, s0, s0]), this.memoryFormat);
    return this.body.forward(T.leakyRelu(this.fcNorm.forward(x), 0.2));
  }
}
