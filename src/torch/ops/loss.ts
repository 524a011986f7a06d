// Loss functions (mean reduction unless asked otherwise).
import { defineOp } from '../op.js';
import type { Tensor } from '../tensor.js';

export type Reduction = 'none' | 'mean' | 'sum';
const REDUCTION: Record<Reduction, number> = { none: 0, mean: 1, sum: 2 };

const aMse = defineOp('aten::mse_loss'),
  aBceLogits = defineOp('aten::binary_cross_entropy_with_logits');
const aCrossEntropy = defineOp('aten::cross_entropy_loss'),
  aL1 = defineOp('aten::l1_loss');

export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return aMse(input, target, REDUCTION[reduction]) as Tensor;
}
export function l1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return aL1(input, target, REDUCTION[reduction]) as Tensor;
}
export function bceWithLogits(logits: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return aBceLogits(logits, target, null, null, REDUCTION[reduction]) as Tensor;
}
/** logits [N, C], target class indices [N] (int64). */
export function crossEntropy(logits: Tensor, target: Tensor, reduction: Reduction = 'mean', labelSmoothing = 0): Tensor {
  return aCrossEntropy(logits, target, null, REDUCTION[reduction], -100, labelSmoothing) as Tensor;
}
