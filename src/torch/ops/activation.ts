// Activations and dropout.
import { defineOp } from '../op.js';
import type { Tensor } from '../tensor.js';

const aRelu = defineOp('aten::relu'),
  aLeaky = defineOp('aten::leaky_relu'),
  aTanh = defineOp('aten::tanh');
const aSigmoid = defineOp('aten::sigmoid'),
  aLogSigmoid = defineOp('aten::log_sigmoid'),
  aSoftplus = defineOp('aten::softplus');
const aSoftmax = defineOp('aten::softmax.int'),
  aLogSoftmax = defineOp('aten::log_softmax.int'),
  aGelu = defineOp('aten::gelu');
const aDropout = defineOp('aten::dropout');

export function relu(x: Tensor): Tensor {
  return aRelu(x) as Tensor;
}
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return aLeaky(x, negativeSlope) as Tensor;
}
export function tanh(x: Tensor): Tensor {
  return aTanh(x) as Tensor;
}
export function sigmoid(x: Tensor): Tensor {
  return aSigmoid(x) as Tensor;
}
/** log(sigmoid(x)), computed stably. */
export function logSigmoid(x: Tensor): Tensor {
  return aLogSigmoid(x) as Tensor;
}
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return aSoftplus(x, beta, threshold) as Tensor;
}
export function softmax(x: Tensor, dim: number): Tensor {
  return aSoftmax(x, dim) as Tensor;
}
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return aLogSoftmax(x, dim) as Tensor;
}
export function gelu(x: Tensor): Tensor {
  return aGelu(x) as Tensor;
}
/** Zeroes elements with probability p and scales the rest by 1/(1-p) when training. */
export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  return aDropout(x, p, training) as Tensor;
}
