// Tensor: a TypeScript handle on one libtorch tensor. Creating a Tensor
// registers it with the current tidy() scope; dispose() frees it at once.
import { native, type TensorHandle } from './native.js';
import { trackTensor } from './scope.js';
import { typedArrayOf, type AnyTypedArray, type DType } from './dtype.js';
import * as ops from './ops/index.js';
import type { Device } from './device.js';

export type Scalar = number | boolean;

export class Tensor {
  /** The native handle; exposed for the op bridge only. */
  readonly handle: TensorHandle;
  /** Set by keep(): survives the end of its tidy() scope. */
  kept = false;
  readonly __isTensor = true;

  constructor(handle: TensorHandle) {
    this.handle = handle;
    trackTensor(this);
  }

  // ---- metadata --------------------------------------------------------------
  get shape(): number[] {
    return native.shape(this.handle);
  }
  get dtype(): DType {
    return native.dtype(this.handle) as DType;
  }
  get device(): Device {
    return native.device(this.handle) as Device;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  size(dim: number): number {
    const s = this.shape;
    const d = dim < 0 ? dim + s.length : dim;
    if (d < 0 || d >= s.length) throw new RangeError(`size(${dim}): tensor has ${s.length} dimensions`);
    return s[d]!;
  }

  // ---- lifetime --------------------------------------------------------------
  dispose(): void {
    native.free(this.handle);
  }
  get isDisposed(): boolean {
    return native.isFreed(this.handle);
  }

  // ---- data out ---------------------------------------------------------------
  /** A copy of the elements (contiguous, row-major) as the dtype's typed array. */
  data(): AnyTypedArray {
    return typedArrayOf(this.dtype, native.toBuffer(this.handle));
  }
  /** The raw little-endian bytes of the elements. */
  bytes(): Uint8Array {
    return new Uint8Array(native.toBuffer(this.handle));
  }
  /** The elements as plain numbers (int64 through Number, bool as 0/1). */
  toArray(): number[] {
    const d = this.data();
    if (d instanceof BigInt64Array) return Array.from(d, Number);
    if (this.dtype === 'float16' || this.dtype === 'bfloat16') return Array.from(ops.toDtype(this, 'float32').data() as Float32Array);
    return Array.from(d as ArrayLike<number>);
  }
  item(): number {
    return native.item(this.handle);
  }

  // ---- autograd ---------------------------------------------------------------
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  set requiresGrad(on: boolean) {
    native.setRequiresGrad(this.handle, on);
  }
  requiresGrad_(on = true): this {
    native.setRequiresGrad(this.handle, on);
    return this;
  }
  /** The accumulated gradient (a new handle on it, owned by the current scope), or null. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g ? new Tensor(g) : null;
  }
  /** Sets or clears (null) the gradient. */
  setGrad(g: Tensor | null): void {
    native.setGrad(this.handle, g ? g.handle : null);
  }
  backward(grad?: Tensor, opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    native.backward(this.handle, grad ? grad.handle : null, opts.retainGraph ?? false, opts.createGraph ?? false);
  }
  /** Changes whenever the values may have changed (in-place op, new storage): a key for caches of derived tensors. */
  get contentVersion(): string {
    return native.contentVersion(this.handle);
  }
  /** True when both refer to the same libtorch tensor (not merely equal values). */
  isSameAs(other: Tensor): boolean {
    return native.sameTensor(this.handle, other.handle);
  }

  // ---- chainable ops (see ops/ for the full set) --------------------------------
  add(o: Tensor | Scalar, alpha?: number): Tensor {
    return ops.add(this, o, alpha);
  }
  sub(o: Tensor | Scalar, alpha?: number): Tensor {
    return ops.sub(this, o, alpha);
  }
  mul(o: Tensor | Scalar): Tensor {
    return ops.mul(this, o);
  }
  div(o: Tensor | Scalar): Tensor {
    return ops.div(this, o);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  pow(e: Tensor | number): Tensor {
    return ops.pow(this, e);
  }
  square(): Tensor {
    return ops.square(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  clamp(min: number | null, max?: number | null): Tensor {
    return ops.clamp(this, min, max);
  }
  matmul(o: Tensor): Tensor {
    return ops.matmul(this, o);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  sum(dims?: number | number[], keepdim = false): Tensor {
    return ops.sum(this, dims, keepdim);
  }
  mean(dims?: number | number[], keepdim = false): Tensor {
    return ops.mean(this, dims, keepdim);
  }
  reshape(shape: number[]): Tensor {
    return ops.reshape(this, shape);
  }
  view(shape: number[]): Tensor {
    return ops.view(this, shape);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return ops.flatten(this, startDim, endDim);
  }
  permute(dims: number[]): Tensor {
    return ops.permute(this, dims);
  }
  transpose(d0: number, d1: number): Tensor {
    return ops.transpose(this, d0, d1);
  }
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  squeeze(dim?: number): Tensor {
    return ops.squeeze(this, dim);
  }
  expand(shape: number[]): Tensor {
    return ops.expand(this, shape);
  }
  contiguous(): Tensor {
    return ops.contiguous(this);
  }
  detach(): Tensor {
    return ops.detach(this);
  }
  clone(): Tensor {
    return ops.clone(this);
  }
  to(target: Device | DType): Tensor {
    return ops.to(this, target);
  }
  float(): Tensor {
    return ops.toDtype(this, 'float32');
  }
  double(): Tensor {
    return ops.toDtype(this, 'float64');
  }

  toString(): string {
    if (this.isDisposed) return 'Tensor(disposed)';
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device})`;
  }
}
