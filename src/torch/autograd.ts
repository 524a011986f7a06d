// Grad mode, seeding and threads: process-wide libtorch settings.
import { native } from './native.js';
import { Tensor } from './tensor.js';

/** Runs fn with gradient recording off (restoring the previous mode after). */
export function noGrad<T>(fn: () => T): T {
  const prev = native.isGradEnabled();
  native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}

/**
 * d output / d input for each input (torch.autograd.grad with ones as the output's gradient),
 * leaving every .grad untouched. With createGraph the results are differentiable: a penalty on
 * them (R1) backpropagates to the parameters that produced output.
 */
export function gradients(output: Tensor, inputs: Tensor[], opts: { createGraph?: boolean } = {}): Tensor[] {
  return native
    .gradients(
      output.handle,
      inputs.map((x) => x.handle),
      opts.createGraph ?? false,
    )
    .map((h) => new Tensor(h));
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/** Seeds libtorch's default generators (CPU and CUDA). */
export function manualSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`manualSeed: seed must be a non-negative integer, got ${seed}`);
  native.manualSeed(seed);
}

export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

export function buildInfo() {
  return native.buildInfo();
}
