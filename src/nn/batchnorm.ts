// BatchNorm2d over [N, C, H, W] (and BatchNorm1d over [N, C] or [N, C, L]):
// batch statistics and running-stat updates (unbiased variance, momentum) in
// training mode, running statistics in eval mode, as PyTorch.
import { Tensor, ones, zeros, batchNorm, noGrad, add_ } from '../torch/index.js';
import { Module } from './module.js';

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

abstract class BatchNormBase extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  /** The running statistics' update weight (1/k for the k-th batch gives their cumulative average). */
  momentum: number;

  protected abstract readonly ranks: number[];

  constructor(
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    const affine = opts.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', ones([numFeatures])) : null;
    this.bias = affine ? this.registerParameter('bias', zeros([numFeatures])) : null;
    const track = opts.trackRunningStats ?? true;
    this.runningMean = track ? this.registerBuffer('running_mean', zeros([numFeatures])) : null;
    this.runningVar = track ? this.registerBuffer('running_var', ones([numFeatures])) : null;
    this.numBatchesTracked = track ? this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int64' })) : null;
  }

  forward(x: Tensor): Tensor {
    const shape = x.shape;
    if (!this.ranks.includes(shape.length) || shape[1] !== this.numFeatures) {
      throw new Error(
        `${this.constructor.name}(${this.numFeatures}): expected input of rank ${this.ranks.join(' or ')} with ` +
          `${this.numFeatures} channels in dim 1, got [${shape.join(', ')}]`,
      );
    }
    const useBatchStats = this.training || !this.runningMean;
    if (this.training && this.numBatchesTracked) noGrad(() => add_(this.numBatchesTracked!, 1));
    return batchNorm(x, this.weight, this.bias, this.runningMean, this.runningVar, useBatchStats, this.momentum, this.eps);
  }
}

export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
}

export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
}
