// Linear: y = x W^T + b. x [..., in] -> [..., out]
import { Tensor, empty, linear } from '../torch/index.js';
import { Module } from './module.js';
import { biasDefault_, kaimingUniformDefault_ } from './init.js';

export class Linear extends Module {
  readonly weight: Tensor; // [out, in]
  readonly bias: Tensor | null; // [out]

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: { bias?: boolean } = {},
  ) {
    super();
    this.weight = this.registerParameter('weight', kaimingUniformDefault_(empty([outFeatures, inFeatures])));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', biasDefault_(empty([outFeatures]), this.weight));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
