// In-place updates, for initializers, optimizers and running statistics.
// They change `x` itself and return it; call them under noGrad() on
// parameters (libtorch refuses in-place changes to leaves that need grad).
import { defineOp, type OpFn } from '../op.js';
import type { Tensor, Scalar } from '../tensor.js';

const O = (n: string) => defineOp(n);
const aAddT = O('aten::add_.Tensor'),
  aAddS = O('aten::add_.Scalar'),
  aMulT = O('aten::mul_.Tensor'),
  aMulS = O('aten::mul_.Scalar');
const aDivT = O('aten::div_.Tensor'),
  aDivS = O('aten::div_.Scalar'),
  aAddcmul = O('aten::addcmul_'),
  aAddcdiv = O('aten::addcdiv_');
const aCopy = O('aten::copy_'),
  aZero = O('aten::zero_'),
  aFill = O('aten::fill_.Scalar'),
  aUniform = O('aten::uniform_');
const aNormal = O('aten::normal_'),
  aLerp = O('aten::lerp_.Scalar'),
  aClamp = O('aten::clamp_'),
  aSetData = O('aten::set_data');

// The op returns a second handle on x; free it and hand back x itself.
function inPlace(op: OpFn, x: Tensor, ...args: unknown[]): Tensor {
  const alias = op(x, ...args) as Tensor;
  alias.dispose();
  return x;
}

/** x += alpha * y */
export function add_(x: Tensor, y: Tensor | Scalar, alpha = 1): Tensor {
  return typeof y === 'object' ? inPlace(aAddT, x, y, alpha) : inPlace(aAddS, x, y, alpha);
}
export function mul_(x: Tensor, y: Tensor | Scalar): Tensor {
  return typeof y === 'object' ? inPlace(aMulT, x, y) : inPlace(aMulS, x, y);
}
export function div_(x: Tensor, y: Tensor | Scalar): Tensor {
  return typeof y === 'object' ? inPlace(aDivT, x, y) : inPlace(aDivS, x, y);
}
/** x += value * a * b */
export function addcmul_(x: Tensor, a: Tensor, b: Tensor, value = 1): Tensor {
  return inPlace(aAddcmul, x, a, b, value);
}
/** x += value * a / b */
export function addcdiv_(x: Tensor, a: Tensor, b: Tensor, value = 1): Tensor {
  return inPlace(aAddcdiv, x, a, b, value);
}
export function copy_(x: Tensor, src: Tensor): Tensor {
  return inPlace(aCopy, x, src);
}
export function zero_(x: Tensor): Tensor {
  return inPlace(aZero, x);
}
export function fill_(x: Tensor, value: number): Tensor {
  return inPlace(aFill, x, value);
}
/** Uniform draws in [from, to) into x. */
export function uniform_(x: Tensor, from: number, to: number): Tensor {
  return inPlace(aUniform, x, from, to);
}
export function normal_(x: Tensor, mean: number, std: number): Tensor {
  return inPlace(aNormal, x, mean, std);
}
/** x += weight * (end - x) */
export function lerp_(x: Tensor, end: Tensor, weight: number): Tensor {
  return inPlace(aLerp, x, end, weight);
}
export function clamp_(x: Tensor, min: number | null, max: number | null = null): Tensor {
  return inPlace(aClamp, x, min, max);
}
/** Makes x refer to src's data (shape, dtype and device too), keeping x's identity, as param.data = src. */
export function setData(x: Tensor, src: Tensor): void {
  aSetData(x, src);
}
