// Running a function with modules in another mode, restoring it after.
import type * as T from '../torch/index.js';
import type { Module } from './module.js';

/** Runs fn with module in eval mode (BatchNorm's running statistics), restoring its mode after. */
export function inEvalMode<R>(module: Module, fn: () => R): R {
  const was = module.training;
  module.eval();
  try {
    return fn();
  } finally {
    module.train(was);
  }
}

/** Runs fn with the parameters' requires_grad off (backward computes no gradient for them), restoring each one's own flag after. */
export function frozenParameters<R>(params: T.Tensor[], fn: () => R): R {
  const was = params.map((p) => p.requiresGrad);
  for (const p of params) p.requiresGrad = false;
  try {
    return fn();
  } finally {
    params.forEach((p, i) => (p.requiresGrad = was[i]!));
  }
}
