// Conv2d: x [N, in, H, W] -> [N, out, H', W'], weight [out, in/groups, k, k].
import { Tensor, empty, conv2d } from '../torch/index.js';
import { Module } from './module.js';
import { biasDefault_, kaimingUniformDefault_ } from './init.js';

export type Pair = number | [number, number];
export const pair = (p: Pair): [number, number] => (Array.isArray(p) ? p : [p, p]);

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernel: Pair,
    opts: Conv2dOptions = {},
  ) {
    super();
    this.groups = opts.groups ?? 1;
    if (inChannels % this.groups || outChannels % this.groups) {
      throw new Error(`Conv2d: channels ${inChannels} -> ${outChannels} are not divisible by groups=${this.groups}`);
    }
    this.stride = pair(opts.stride ?? 1);
    this.padding = pair(opts.padding ?? 0);
    this.dilation = pair(opts.dilation ?? 1);
    const [kh, kw] = pair(kernel);
    this.weight = this.registerParameter('weight', kaimingUniformDefault_(empty([outChannels, inChannels / this.groups, kh, kw])));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', biasDefault_(empty([outChannels]), this.weight));
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}
