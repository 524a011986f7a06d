// What the baselines share as FashionModels: no users (a design depends on the
// query alone), one translation network per designed category, and the
// precision / memory-layout plumbing of the designer.
import * as T from '../../torch/index.js';
import * as nn from '../../nn/index.js';
import type { Category } from '../designer.js';
import type { FashionModel } from '../fashion_model.js';

export interface BaselineConfig {
  targets: Category[];
  users: number; // kept for the interface: baselines have no users
}

export abstract class BaselineModel extends nn.Module implements FashionModel {
  precision: T.Precision = 'fp32';
  memoryFormat: T.MemoryFormat = 'channels_last';

  constructor(readonly config: BaselineConfig) {
    super();
  }

  /** query images [B, 3, S, S] (model layout) -> designs of `target` [B, 3, S, S] in [-1, 1] (training mode as set). */
  abstract translate(target: Category, queries: T.Tensor): T.Tensor;

  protected checkTarget(c: Category): void {
    if (!this.config.targets.includes(c))
      throw new Error(`this model does not design ${c}s (it designs ${this.config.targets.join(' and ')}s)`);
  }

  get device(): T.Device {
    return this.parameters()[0]!.device as T.Device;
  }

  images(x: T.Tensor): T.Tensor {
    return T.contiguous(x, this.memoryFormat);
  }

  autocast<R>(fn: () => R): R {
    return T.withPrecision(this.precision, this.device, fn);
  }

  design(queries: T.Tensor, _users: T.Tensor, target: Category): T.Tensor {
    this.checkTarget(target);
    const was = this.training;
    this.eval();
    try {
      return T.tidy(() =>
        T.noGrad(() => this.autocast(() => T.contiguous(T.toDtype(this.translate(target, this.images(queries)), 'float32')))),
      );
    } finally {
      this.train(was);
    }
  }
}

/** The vanilla (BCE) GAN loss on logits: target real (1) or fake (0). */
export function bceGanLoss(logits: T.Tensor, real: boolean): T.Tensor {
  return T.neg(T.mean(T.logSigmoid(real ? logits : T.neg(logits))));
}
