// Views, reshapes, joins, slices, indexing and conversions.
import { defineOp } from '../op.js';
import { native } from '../native.js';
import { Tensor } from '../tensor.js';
import { DTYPES, type DType } from '../dtype.js';
import type { Device } from '../device.js';

const O = (n: string) => defineOp(n);
const aReshape = O('aten::reshape'),
  aView = O('aten::view'),
  aFlatten = O('aten::flatten.using_ints');
const aPermute = O('aten::permute'),
  aTranspose = O('aten::transpose.int'),
  aContiguous = O('aten::contiguous');
const aSqueeze = O('aten::squeeze'),
  aSqueezeDim = O('aten::squeeze.dim'),
  aUnsqueeze = O('aten::unsqueeze');
const aExpand = O('aten::expand'),
  aCat = O('aten::cat'),
  aStack = O('aten::stack');
const aNarrow = O('aten::narrow'),
  aSlice = O('aten::slice.Tensor'),
  aSelect = O('aten::select.int');
const aIndexSelect = O('aten::index_select'),
  aGather = O('aten::gather'),
  aChunk = O('aten::chunk');
const aSplit = O('aten::split.Tensor'),
  aRepeat = O('aten::repeat'),
  aMaskedFill = O('aten::masked_fill.Scalar');
const aIndex = O('aten::index.Tensor');
const aClone = O('aten::clone'),
  aDetach = O('aten::detach');
const aToDtype = O('aten::to.dtype'),
  aToDevice = O('aten::to.device');

export function reshape(x: Tensor, shape: number[]): Tensor {
  return aReshape(x, shape) as Tensor;
}
/** A view with a new shape; fails (with libtorch's message) on incompatible strides. */
export function view(x: Tensor, shape: number[]): Tensor {
  return aView(x, shape) as Tensor;
}
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  return aFlatten(x, startDim, endDim) as Tensor;
}
export function permute(x: Tensor, dims: number[]): Tensor {
  return aPermute(x, dims) as Tensor;
}
export function transpose(x: Tensor, d0: number, d1: number): Tensor {
  return aTranspose(x, d0, d1) as Tensor;
}
export type MemoryFormat = 'contiguous' | 'channels_last';

/** A densely laid-out copy (or x itself when already so), in NCHW ('contiguous') or NHWC ('channels_last') order. */
export function contiguous(x: Tensor, memoryFormat: MemoryFormat = 'contiguous'): Tensor {
  return aContiguous(x, memoryFormat) as Tensor;
}
export function squeeze(x: Tensor, dim?: number): Tensor {
  return (dim === undefined ? aSqueeze(x) : aSqueezeDim(x, dim)) as Tensor;
}
export function unsqueeze(x: Tensor, dim: number): Tensor {
  return aUnsqueeze(x, dim) as Tensor;
}
/** Broadcasts size-1 dims to shape (-1 keeps a dim), without copying. */
export function expand(x: Tensor, shape: number[]): Tensor {
  return aExpand(x, shape) as Tensor;
}
export function cat(xs: Tensor[], dim = 0): Tensor {
  return aCat(xs, dim) as Tensor;
}
export function stack(xs: Tensor[], dim = 0): Tensor {
  return aStack(xs, dim) as Tensor;
}
/** Elements start..start+length-1 along dim (a view). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  return aNarrow(x, dim, start, length) as Tensor;
}
export function slice(x: Tensor, dim: number, start: number | null, end: number | null, step = 1): Tensor {
  return aSlice(x, dim, start, end, step) as Tensor;
}
/** Index `index` along dim, removing that dim (a view). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  return aSelect(x, dim, index) as Tensor;
}
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  return aIndexSelect(x, dim, index) as Tensor;
}
/** Advanced indexing x[i0, i1, ...] with integer/bool tensors (null skips a dim). */
export function index(x: Tensor, indices: (Tensor | null)[]): Tensor {
  return aIndex(x, indices) as Tensor;
}
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return aGather(x, dim, index) as Tensor;
}
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  return aChunk(x, chunks, dim) as Tensor[];
}
export function split(x: Tensor, size: number, dim = 0): Tensor[] {
  return aSplit(x, size, dim) as Tensor[];
}
export function repeat(x: Tensor, repeats: number[]): Tensor {
  return aRepeat(x, repeats) as Tensor;
}
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return aMaskedFill(x, mask, value) as Tensor;
}
export function clone(x: Tensor): Tensor {
  return aClone(x) as Tensor;
}
/** The same data, cut from the autograd graph. */
export function detach(x: Tensor): Tensor {
  return aDetach(x) as Tensor;
}
export function toDtype(x: Tensor, dtype: DType): Tensor {
  return aToDtype(x, dtype) as Tensor;
}
export function toDevice(x: Tensor, device: Device, dtype?: DType): Tensor {
  return aToDevice(x, device, dtype ?? native.dtype(x.handle)) as Tensor;
}
/** Converts to a dtype or moves to a device, by what `target` names. */
export function to(x: Tensor, target: Device | DType): Tensor {
  return (DTYPES as readonly string[]).includes(target) ? toDtype(x, target as DType) : toDevice(x, target as Device);
}
