// Parameter initializers: PyTorch's defaults and DCGAN's N(0, 0.02).
import { Tensor, noGrad, uniform_, normal_, fill_, zero_ } from '../torch/index.js';

/**
 * fan_in of a weight as PyTorch computes it: size(1) * receptive field.
 * (For ConvTranspose2d, whose weight is [in, out/groups, k, k], that is out/groups * k * k.)
 */
export function fanIn(weight: Tensor): number {
  const s = weight.shape;
  if (s.length < 2) throw new Error(`fanIn: weight needs at least 2 dims, got [${s.join(', ')}]`);
  return s[1]! * s.slice(2).reduce((a, b) => a * b, 1);
}

/** PyTorch's default for Linear/Conv weights: kaiming_uniform_(a = sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function kaimingUniformDefault_(weight: Tensor): Tensor {
  const gain = Math.sqrt(2 / (1 + 5));
  const bound = (Math.sqrt(3) * gain) / Math.sqrt(fanIn(weight));
  return noGrad(() => uniform_(weight, -bound, bound));
}

/** PyTorch's default bias init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with the weight's fan_in. */
export function biasDefault_(bias: Tensor, weight: Tensor): Tensor {
  const f = fanIn(weight);
  const bound = f > 0 ? 1 / Math.sqrt(f) : 0;
  return noGrad(() => uniform_(bias, -bound, bound));
}

export function normalInit_(t: Tensor, mean: number, std: number): Tensor {
  return noGrad(() => normal_(t, mean, std));
}

export function constantInit_(t: Tensor, value: number): Tensor {
  return noGrad(() => (value === 0 ? zero_(t) : fill_(t, value)));
}
