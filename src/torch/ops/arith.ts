// Elementwise arithmetic and comparisons. A number operand selects the
// operator's Scalar overload, a Tensor its Tensor overload (with broadcasting).
import { defineOp } from '../op.js';
import { Tensor, type Scalar } from '../tensor.js';

const T = (name: string) => defineOp(name);
const aAddT = T('aten::add.Tensor'),
  aAddS = T('aten::add.Scalar');
const aSubT = T('aten::sub.Tensor'),
  aSubS = T('aten::sub.Scalar');
const aMulT = T('aten::mul.Tensor'),
  aMulS = T('aten::mul.Scalar');
const aDivT = T('aten::div.Tensor'),
  aDivS = T('aten::div.Scalar');
const aPowS = T('aten::pow.Tensor_Scalar'),
  aPowT = T('aten::pow.Tensor_Tensor');
const aNeg = T('aten::neg'),
  aSqrt = T('aten::sqrt'),
  aRsqrt = T('aten::rsqrt'),
  aExp = T('aten::exp');
const aLog = T('aten::log'),
  aLog1p = T('aten::log1p'),
  aAbs = T('aten::abs'),
  aSquare = T('aten::square');
const aReciprocal = T('aten::reciprocal'),
  aSign = T('aten::sign'),
  aFloor = T('aten::floor'),
  aRound = T('aten::round');
const aClamp = T('aten::clamp'),
  aMaximum = T('aten::maximum'),
  aMinimum = T('aten::minimum');
const aWhere = T('aten::where.self');
const cmp = {
  eq: [T('aten::eq.Tensor'), T('aten::eq.Scalar')],
  ne: [T('aten::ne.Tensor'), T('aten::ne.Scalar')],
  gt: [T('aten::gt.Tensor'), T('aten::gt.Scalar')],
  ge: [T('aten::ge.Tensor'), T('aten::ge.Scalar')],
  lt: [T('aten::lt.Tensor'), T('aten::lt.Scalar')],
  le: [T('aten::le.Tensor'), T('aten::le.Scalar')],
} as const;
const aIsnan = T('aten::isnan'),
  aIsfinite = T('aten::isfinite'),
  aLogicalNot = T('aten::logical_not');
const aAllclose = T('aten::allclose');
const aEqual = T('aten::equal');

const isT = (x: unknown): x is Tensor => x instanceof Tensor;

/** a + alpha * b */
export function add(a: Tensor, b: Tensor | Scalar, alpha = 1): Tensor {
  return (isT(b) ? aAddT(a, b, alpha) : aAddS(a, b, alpha)) as Tensor;
}
/** a - alpha * b */
export function sub(a: Tensor, b: Tensor | Scalar, alpha = 1): Tensor {
  return (isT(b) ? aSubT(a, b, alpha) : aSubS(a, b, alpha)) as Tensor;
}
export function mul(a: Tensor, b: Tensor | Scalar): Tensor {
  return (isT(b) ? aMulT(a, b) : aMulS(a, b)) as Tensor;
}
/** True division (integer inputs give floats), as torch.div. */
export function div(a: Tensor, b: Tensor | Scalar): Tensor {
  return (isT(b) ? aDivT(a, b) : aDivS(a, b)) as Tensor;
}
export function pow(a: Tensor, e: Tensor | number): Tensor {
  return (isT(e) ? aPowT(a, e) : aPowS(a, e)) as Tensor;
}
export function neg(a: Tensor): Tensor {
  return aNeg(a) as Tensor;
}
export function sqrt(a: Tensor): Tensor {
  return aSqrt(a) as Tensor;
}
export function rsqrt(a: Tensor): Tensor {
  return aRsqrt(a) as Tensor;
}
export function exp(a: Tensor): Tensor {
  return aExp(a) as Tensor;
}
export function log(a: Tensor): Tensor {
  return aLog(a) as Tensor;
}
export function log1p(a: Tensor): Tensor {
  return aLog1p(a) as Tensor;
}
export function abs(a: Tensor): Tensor {
  return aAbs(a) as Tensor;
}
export function square(a: Tensor): Tensor {
  return aSquare(a) as Tensor;
}
export function reciprocal(a: Tensor): Tensor {
  return aReciprocal(a) as Tensor;
}
export function sign(a: Tensor): Tensor {
  return aSign(a) as Tensor;
}
export function floor(a: Tensor): Tensor {
  return aFloor(a) as Tensor;
}
export function round(a: Tensor): Tensor {
  return aRound(a) as Tensor;
}
/** Clamps to [min, max]; null leaves that side open. */
export function clamp(a: Tensor, min: number | null, max: number | null = null): Tensor {
  return aClamp(a, min, max) as Tensor;
}
export function maximum(a: Tensor, b: Tensor): Tensor {
  return aMaximum(a, b) as Tensor;
}
export function minimum(a: Tensor, b: Tensor): Tensor {
  return aMinimum(a, b) as Tensor;
}
/** cond ? a : b, elementwise. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  return aWhere(cond, a, b) as Tensor;
}

type Cmp = keyof typeof cmp;
function compare(kind: Cmp, a: Tensor, b: Tensor | Scalar): Tensor {
  const [tensorOp, scalarOp] = cmp[kind];
  return (isT(b) ? tensorOp(a, b) : scalarOp(a, b)) as Tensor;
}
export const eq = (a: Tensor, b: Tensor | Scalar) => compare('eq', a, b);
export const ne = (a: Tensor, b: Tensor | Scalar) => compare('ne', a, b);
export const gt = (a: Tensor, b: Tensor | Scalar) => compare('gt', a, b);
export const ge = (a: Tensor, b: Tensor | Scalar) => compare('ge', a, b);
export const lt = (a: Tensor, b: Tensor | Scalar) => compare('lt', a, b);
export const le = (a: Tensor, b: Tensor | Scalar) => compare('le', a, b);
export function isnan(a: Tensor): Tensor {
  return aIsnan(a) as Tensor;
}
export function isfinite(a: Tensor): Tensor {
  return aIsfinite(a) as Tensor;
}
export function logicalNot(a: Tensor): Tensor {
  return aLogicalNot(a) as Tensor;
}
export function allclose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
  return aAllclose(a, b, rtol, atol) as boolean;
}
/** Same shape and bit-identical values (aten::equal). */
export function equal(a: Tensor, b: Tensor): boolean {
  return aEqual(a, b) as boolean;
}
