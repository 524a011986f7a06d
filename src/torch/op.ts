// The bridge from typed op wrappers to the addon's generic entry point:
// an op is named by its schema ('aten::add.Tensor'), looked up once, then
// called boxed. Tensors go in as handles and come back as tracked Tensors.
import { native, type TensorHandle } from './native.js';
import { Tensor } from './tensor.js';

export type OpFn = (...args: unknown[]) => unknown;

let calls = 0;
/** How many operator calls went through the addon so far (for profiling the binding's share). */
export function opCallCount(): number {
  return calls;
}

/** Returns a caller for the operator `qualified` ("aten::name" or "aten::name.overload"). */
export function defineOp(qualified: string): OpFn {
  let id = -1;
  return (...args: unknown[]) => {
    if (id < 0) id = lookup(qualified);
    calls++;
    return fromNative(native.callOp(id, args.map(toNative)));
  };
}

/** Calls any ATen operator by name, for ops without a typed wrapper. */
export function callOp(qualified: string, ...args: unknown[]): unknown {
  calls++;
  return fromNative(native.callOp(lookup(qualified), args.map(toNative)));
}

/** The schema of an operator, e.g. for documentation or error messages. */
export function opSchema(qualified: string): string {
  return native.opSchema(lookup(qualified));
}

function lookup(qualified: string): number {
  const dot = qualified.indexOf('.');
  return dot < 0 ? native.findOp(qualified, '') : native.findOp(qualified.slice(0, dot), qualified.slice(dot + 1));
}

function toNative(a: unknown): unknown {
  if (a instanceof Tensor) return a.handle;
  if (Array.isArray(a) && a.length > 0 && (a[0] instanceof Tensor || a[0] === null || a.some((x) => x instanceof Tensor))) {
    return a.map((x) => (x instanceof Tensor ? x.handle : x));
  }
  return a;
}

function fromNative(r: unknown): unknown {
  if (r instanceof native.TensorHandle) return new Tensor(r as TensorHandle);
  if (Array.isArray(r)) return r.map(fromNative);
  return r;
}
