// ConvTranspose2d: x [N, in, H, W] -> [N, out, (H-1)*s - 2p + k + op, ...],
// weight [in, out/groups, k, k] as in PyTorch; computed by the fast path.
import { Tensor, empty } from '../torch/index.js';
import { Module } from './module.js';
import { biasDefault_, kaimingUniformDefault_ } from './init.js';
import { pair, type Conv2dOptions, type Pair } from './conv.js';
import { convTranspose2d } from './conv_transpose_fast.js';

export interface ConvTranspose2dOptions extends Conv2dOptions {
  outputPadding?: Pair;
}

export class ConvTranspose2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernel: Pair, opts: ConvTranspose2dOptions = {}) {
    super();
    this.groups = opts.groups ?? 1;
    this.stride = pair(opts.stride ?? 1);
    this.padding = pair(opts.padding ?? 0);
    this.outputPadding = pair(opts.outputPadding ?? 0);
    this.dilation = pair(opts.dilation ?? 1);
    for (let i = 0; i < 2; i++) {
      if (this.outputPadding[i]! >= Math.max(this.stride[i]!, this.dilation[i]!)) {
        throw new Error(`ConvTranspose2d: output padding ${this.outputPadding[i]} must be smaller than stride or dilation`);
      }
    }
    const [kh, kw] = pair(kernel);
    this.weight = this.registerParameter('weight', kaimingUniformDefault_(empty([inChannels, outChannels / this.groups, kh, kw])));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', biasDefault_(empty([outChannels]), this.weight));
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.stride, this.padding, this.outputPadding, this.groups, this.dilation);
  }
}
