// What every registered model is to the rest of the system (training loop, run
// folders, samples, `pfd design`, `pfd eval`): a module that designs an item of a
// target category for query images and users. Models without users (the
// baselines) ignore `users`; only the paper's Designer has a compatibility
// discriminator and user vectors (AUC, new users, retrieval scores need it).
import type * as T from '../torch/index.js';
import type * as nn from '../nn/index.js';
import { Designer, type Category } from './designer.js';

export interface FashionModel extends nn.Module {
  readonly config: { targets: Category[]; users: number };
  /** Compute precision of every forward pass (weights stay float32). */
  precision: T.Precision;
  memoryFormat: T.MemoryFormat;
  readonly device: T.Device;
  /** Images [B, 3, S, S] in the model's memory layout. */
  images(x: T.Tensor): T.Tensor;
  /** Runs fn in the model's precision on its device. */
  autocast<R>(fn: () => R): R;
  /** Designs for query images [B, 3, S, S] and users int64 [B] (eval mode, no grad) -> float32 [B, 3, S, S] in [-1, 1]. */
  design(queries: T.Tensor, users: T.Tensor, target: Category): T.Tensor;
}

/** The model as the paper's Designer, or a clear error naming what needs it. */
export function requireDesigner(model: FashionModel, what: string): Designer {
  if (!(model instanceof Designer))
    throw new Error(
      `${what} needs the paper's designer (a compatibility discriminator and user vectors); this run's model is ${model.constructor.name}`,
    );
  return model;
}

export const isDesigner = (model: FashionModel): model is Designer => model instanceof Designer;
