// Creating tensors: from JS data, constants, ranges and random draws.
import { defineOp } from '../op.js';
import { native } from '../native.js';
import { Tensor } from '../tensor.js';
import { DTYPES, dtypeOfArray, type AnyTypedArray, type DType } from '../dtype.js';
import type { Device } from '../device.js';

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

type Nested = number | boolean | Nested[];

const aZeros = defineOp('aten::zeros');
const aOnes = defineOp('aten::ones');
const aFull = defineOp('aten::full');
const aEmpty = defineOp('aten::empty.memory_format');
const aArange = defineOp('aten::arange.start_step');
const aLinspace = defineOp('aten::linspace');
const aEye = defineOp('aten::eye');
const aRandn = defineOp('aten::randn');
const aRand = defineOp('aten::rand');
const aRandint = defineOp('aten::randint.low');
const aRandperm = defineOp('aten::randperm');
const aZerosLike = defineOp('aten::zeros_like');
const aOnesLike = defineOp('aten::ones_like');
const aRandnLike = defineOp('aten::randn_like');
const aFullLike = defineOp('aten::full_like');

function finish(t: Tensor, o: TensorOptions): Tensor {
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

function checkShape(shape: number[], fn: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new TypeError(`${fn}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
}

/** A tensor from nested arrays, a flat array plus shape, or a typed array. */
export function tensor(data: Nested | AnyTypedArray, o: TensorOptions & { shape?: number[] } = {}): Tensor {
  let flat: number[] | AnyTypedArray;
  let shape: number[];
  if (ArrayBuffer.isView(data)) {
    flat = data;
    shape = o.shape ?? [data.length];
  } else {
    const inferred: number[] = [];
    let probe: Nested = data;
    while (Array.isArray(probe)) {
      inferred.push(probe.length);
      probe = probe[0] as Nested;
    }
    flat = Array.isArray(data) ? ((data as unknown[]).flat(Infinity as 1) as number[]) : [data as number];
    shape = o.shape ?? inferred;
    if (flat.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new RangeError(`tensor: ${flat.length} values do not fill shape [${shape.join(', ')}] (ragged nested array?)`);
    }
  }
  const dtype = o.dtype ?? (ArrayBuffer.isView(flat) && !(flat instanceof Uint16Array) ? dtypeOfArray(flat) : 'float32');
  const t = new Tensor(native.fromBuffer(toTypedArray(flat, dtype), shape, dtype, o.device ?? 'cpu'));
  return finish(t, o);
}

function toTypedArray(flat: number[] | AnyTypedArray, dtype: DType): ArrayBufferView {
  if (ArrayBuffer.isView(flat)) {
    if (flat instanceof Uint16Array || dtype === dtypeOfArray(flat) || (dtype === 'bool' && flat instanceof Uint8Array)) return flat;
  }
  const src = Array.from(flat as ArrayLike<number | bigint | boolean>, (v) => Number(v));
  switch (dtype) {
    case 'float32':
      return Float32Array.from(src);
    case 'float64':
      return Float64Array.from(src);
    case 'int64':
      return BigInt64Array.from(src, (v) => BigInt(Math.trunc(v)));
    case 'int32':
      return Int32Array.from(src);
    case 'int16':
      return Int16Array.from(src);
    case 'int8':
      return Int8Array.from(src);
    case 'uint8':
      return Uint8Array.from(src);
    case 'bool':
      return Uint8Array.from(src, (v) => (v ? 1 : 0));
    case 'float16':
    case 'bfloat16': {
      // Build in float32, then let libtorch round to the 16-bit format.
      const f = new Tensor(native.fromBuffer(Float32Array.from(src), [src.length], 'float32'));
      const h = f.to(dtype);
      const bits = h.data() as Uint16Array;
      f.dispose();
      h.dispose();
      return bits;
    }
    default:
      throw new TypeError(`unknown dtype '${String(dtype)}' (expected one of ${DTYPES.join(', ')})`);
  }
}

/** A 0-d tensor holding one value. */
export function scalarTensor(value: number, o: TensorOptions = {}): Tensor {
  return tensor([value], { ...o, shape: [] });
}

export function zeros(shape: number[], o: TensorOptions = {}): Tensor {
  checkShape(shape, 'zeros');
  return finish(aZeros(shape, o.dtype ?? 'float32', null, o.device ?? 'cpu') as Tensor, o);
}
export function ones(shape: number[], o: TensorOptions = {}): Tensor {
  checkShape(shape, 'ones');
  return finish(aOnes(shape, o.dtype ?? 'float32', null, o.device ?? 'cpu') as Tensor, o);
}
export function full(shape: number[], value: number, o: TensorOptions = {}): Tensor {
  checkShape(shape, 'full');
  return finish(aFull(shape, value, o.dtype ?? 'float32', null, o.device ?? 'cpu') as Tensor, o);
}
export function empty(shape: number[], o: TensorOptions = {}): Tensor {
  checkShape(shape, 'empty');
  return finish(aEmpty(shape, o.dtype ?? 'float32', null, o.device ?? 'cpu') as Tensor, o);
}
/** Values start, start+step, ... below end (like torch.arange). */
export function arange(start: number, end?: number, step = 1, o: TensorOptions = {}): Tensor {
  const [s, e] = end === undefined ? [0, start] : [start, end];
  const dtype = o.dtype ?? ([s, e, step].every(Number.isInteger) ? 'int64' : 'float32');
  return finish(aArange(s, e, step, dtype, null, o.device ?? 'cpu') as Tensor, o);
}
export function linspace(start: number, end: number, steps: number, o: TensorOptions = {}): Tensor {
  return finish(aLinspace(start, end, steps, o.dtype ?? 'float32', null, o.device ?? 'cpu') as Tensor, o);
}
export function eye(n: number, o: TensorOptions = {}): Tensor {
  return finish(aEye(n, o.dtype ?? 'float32', null, o.device ?? 'cpu') as Tensor, o);
}
/** Standard normal draws from libtorch's generator (seeded by manualSeed). */
export function randn(shape: number[], o: TensorOptions = {}): Tensor {
  checkShape(shape, 'randn');
  return finish(aRandn(shape, o.dtype ?? 'float32', null, o.device ?? 'cpu') as Tensor, o);
}
/** Uniform draws in [0, 1). */
export function rand(shape: number[], o: TensorOptions = {}): Tensor {
  checkShape(shape, 'rand');
  return finish(aRand(shape, o.dtype ?? 'float32', null, o.device ?? 'cpu') as Tensor, o);
}
/** Integers uniform in [low, high). */
export function randint(low: number, high: number, shape: number[], o: TensorOptions = {}): Tensor {
  checkShape(shape, 'randint');
  return aRandint(low, high, shape, o.dtype ?? 'int64', null, o.device ?? 'cpu') as Tensor;
}
export function randperm(n: number, o: TensorOptions = {}): Tensor {
  return aRandperm(n, o.dtype ?? 'int64', null, o.device ?? 'cpu') as Tensor;
}
export function zerosLike(t: Tensor): Tensor {
  return aZerosLike(t) as Tensor;
}
export function onesLike(t: Tensor): Tensor {
  return aOnesLike(t) as Tensor;
}
export function randnLike(t: Tensor): Tensor {
  return aRandnLike(t) as Tensor;
}
export function fullLike(t: Tensor, value: number): Tensor {
  return aFullLike(t, value) as Tensor;
}
