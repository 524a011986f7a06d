// Reductions. `dims` undefined reduces over every element.
import { defineOp } from '../op.js';
import type { Tensor } from '../tensor.js';

const aSumAll = defineOp('aten::sum'),
  aSumDim = defineOp('aten::sum.dim_IntList');
const aMeanAll = defineOp('aten::mean'),
  aMeanDim = defineOp('aten::mean.dim');
const aMaxAll = defineOp('aten::max'),
  aMaxDim = defineOp('aten::max.dim');
const aMinAll = defineOp('aten::min'),
  aMinDim = defineOp('aten::min.dim');
const aArgmax = defineOp('aten::argmax'),
  aArgmin = defineOp('aten::argmin');
const aVar = defineOp('aten::var.correction'),
  aStd = defineOp('aten::std.correction');
const aLogsumexp = defineOp('aten::logsumexp'),
  aNorm = defineOp('aten::linalg_vector_norm');
const aAny = defineOp('aten::any'),
  aAll = defineOp('aten::all');
const aKthvalue = defineOp('aten::kthvalue');

const asDims = (d: number | number[]) => (Array.isArray(d) ? d : [d]);

export function sum(x: Tensor, dims?: number | number[], keepdim = false): Tensor {
  return (dims === undefined ? aSumAll(x) : aSumDim(x, asDims(dims), keepdim)) as Tensor;
}
export function mean(x: Tensor, dims?: number | number[], keepdim = false): Tensor {
  return (dims === undefined ? aMeanAll(x) : aMeanDim(x, asDims(dims), keepdim)) as Tensor;
}
/** The largest element. */
export function max(x: Tensor): Tensor {
  return aMaxAll(x) as Tensor;
}
export function min(x: Tensor): Tensor {
  return aMinAll(x) as Tensor;
}
/** [values, indices] of the largest along dim. */
export function maxDim(x: Tensor, dim: number, keepdim = false): [Tensor, Tensor] {
  return aMaxDim(x, dim, keepdim) as [Tensor, Tensor];
}
export function minDim(x: Tensor, dim: number, keepdim = false): [Tensor, Tensor] {
  return aMinDim(x, dim, keepdim) as [Tensor, Tensor];
}
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return aArgmax(x, dim ?? null, keepdim) as Tensor;
}
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return aArgmin(x, dim ?? null, keepdim) as Tensor;
}
/** Variance with Bessel's correction by default (correction = 1), as torch.var. */
export function variance(x: Tensor, dims?: number | number[], correction = 1, keepdim = false): Tensor {
  return aVar(x, dims === undefined ? null : asDims(dims), correction, keepdim) as Tensor;
}
export function std(x: Tensor, dims?: number | number[], correction = 1, keepdim = false): Tensor {
  return aStd(x, dims === undefined ? null : asDims(dims), correction, keepdim) as Tensor;
}
export function logsumexp(x: Tensor, dims: number | number[], keepdim = false): Tensor {
  return aLogsumexp(x, asDims(dims), keepdim) as Tensor;
}
/** The p-norm over dims (all elements by default). */
export function norm(x: Tensor, p = 2, dims?: number | number[], keepdim = false): Tensor {
  return aNorm(x, p, dims === undefined ? null : asDims(dims), keepdim) as Tensor;
}
export function any(x: Tensor): Tensor {
  return aAny(x) as Tensor;
}
/** [values, indices] of the k-th smallest (1-based) along dim. */
export function kthValue(x: Tensor, k: number, dim = -1, keepdim = false): [Tensor, Tensor] {
  return aKthvalue(x, k, dim, keepdim) as [Tensor, Tensor];
}
export function all(x: Tensor): Tensor {
  return aAll(x) as Tensor;
}
