// Scoped tensor memory in the style of tf.tidy: every tensor created inside
// tidy(fn) is freed when fn returns, except the tensors fn returns (which move
// to the enclosing scope) and tensors marked with keep(). Tensors created
// outside any scope (parameters, optimizer state) live until dispose() or GC.
import type { Tensor } from './tensor.js';
import { native } from './native.js';

const stack: Tensor[][] = [];

/** Called by the Tensor constructor: the innermost scope now owns t. */
export function trackTensor(t: Tensor): void {
  const top = stack[stack.length - 1];
  if (top) top.push(t);
}

/** Runs fn in a new scope; frees what it created, except its result and kept tensors. */
export function tidy<T>(fn: () => T): T {
  const scope: Tensor[] = [];
  stack.push(scope);
  let result: T;
  try {
    result = fn();
    if (result && typeof (result as { then?: unknown }).then === 'function') {
      throw new TypeError('tidy() takes a synchronous function: await inside a scope would free tensors still in use');
    }
  } catch (e) {
    stack.pop();
    for (const t of scope) if (!t.kept) t.dispose();
    throw e;
  }
  stack.pop();
  const returned = new Set<Tensor>();
  collectTensors(result, returned);
  const parent = stack[stack.length - 1];
  for (const t of scope) {
    if (returned.has(t)) parent?.push(t);
    else if (!t.kept) t.dispose();
  }
  return result;
}

/** Exempts t from scope cleanup: it lives until t.dispose(). */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  return t;
}

/** Frees every tensor found in value (a tensor, an array, or a plain object of them). */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(value, found);
  for (const t of found) t.dispose();
}

/** Number of native tensor handles alive now (for leak tests and benchmarks). */
export function liveTensors(): number {
  return native.liveTensors();
}

function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const v of value.values()) collectTensors(v, into, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into, depth + 1);
  }
}

// Duck-typed to avoid a runtime import cycle with tensor.ts.
function isTensor(v: object): v is Tensor {
  return (v as { __isTensor?: boolean }).__isTensor === true;
}
