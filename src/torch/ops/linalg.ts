// Matrix products.
import { defineOp } from '../op.js';
import type { Tensor } from '../tensor.js';

const aMatmul = defineOp('aten::matmul'),
  aMm = defineOp('aten::mm'),
  aBmm = defineOp('aten::bmm');
const aLinear = defineOp('aten::linear'),
  aAddmm = defineOp('aten::addmm'),
  aOuter = defineOp('aten::outer');

export function matmul(a: Tensor, b: Tensor): Tensor {
  return aMatmul(a, b) as Tensor;
}
export function mm(a: Tensor, b: Tensor): Tensor {
  return aMm(a, b) as Tensor;
}
export function bmm(a: Tensor, b: Tensor): Tensor {
  return aBmm(a, b) as Tensor;
}
/** x @ w^T + b; x [..., in], w [out, in], b [out]. */
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null): Tensor {
  return aLinear(x, w, b) as Tensor;
}
/** beta * c + alpha * (a @ b) */
export function addmm(c: Tensor, a: Tensor, b: Tensor, beta = 1, alpha = 1): Tensor {
  return aAddmm(c, a, b, beta, alpha) as Tensor;
}
export function outer(a: Tensor, b: Tensor): Tensor {
  return aOuter(a, b) as Tensor;
}
