// Shared test helpers: fixture loading and tensor comparisons.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as T from '../src/torch/index.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Loads test/fixtures/<name>; tensors live outside scopes (kept) for the whole test file. */
export function fixture(name: string): {
  get(key: string): T.Tensor;
  has(key: string): boolean;
  keys(): string[];
  metadata: Record<string, string>;
} {
  const { tensors, metadata } = T.loadTensors(path.join(FIXTURES, name));
  for (const t of tensors.values()) T.keep(t);
  return {
    get(key) {
      const t = tensors.get(key);
      if (!t) throw new Error(`fixture ${name} has no tensor '${key}'`);
      return t;
    },
    has: (key) => tensors.has(key),
    keys: () => [...tensors.keys()],
    metadata,
  };
}

/** Asserts same shape and |a - e| <= atol + rtol * |e| elementwise. */
export function assertClose(actual: T.Tensor, expected: T.Tensor, opts: { atol?: number; rtol?: number; what?: string } = {}): void {
  const what = opts.what ?? 'tensor';
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.toArray();
  const e = expected.toArray();
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-4;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i]! - e[i]!) - (atol + rtol * Math.abs(e[i]!));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  assert.ok(at < 0, `${what}: element ${at} is ${a[at]}, expected ${e[at]} (atol ${atol}, rtol ${rtol})`);
}

/**
 * Central finite differences of sum(fn(inputs) * gout) in float64, compared
 * with autograd's gradient for every input that requires grad.
 */
export function gradcheck(
  fn: (...xs: T.Tensor[]) => T.Tensor,
  inputs: T.Tensor[],
  opts: { eps?: number; atol?: number; rtol?: number; what?: string } = {},
): void {
  const eps = opts.eps ?? 1e-6;
  T.tidy(() => {
    const xs = inputs.map((x) => {
      const c = x.dtype === 'float64' || !T.isFloating(x.dtype) ? x.clone() : x.double();
      if (T.isFloating(c.dtype)) c.requiresGrad = true;
      return c;
    });
    const out = fn(...xs);
    const gout = T.randnLike(out.detach());
    out.mul(gout).sum().backward();
    xs.forEach((x, k) => {
      if (!T.isFloating(x.dtype)) return;
      const analytic = x.grad!.toArray();
      const base = x.detach().toArray();
      const numeric = base.map((_, i) => {
        const at = (delta: number) =>
          T.tidy(() =>
            T.noGrad(() => {
              const v = base.slice();
              v[i]! += delta;
              const xi = T.tensor(v, { dtype: 'float64', shape: x.shape });
              const args = xs.map((y, j) => (j === k ? xi : y.detach()));
              return fn(...args)
                .mul(gout)
                .sum()
                .item();
            }),
          );
        return (at(eps) - at(-eps)) / (2 * eps);
      });
      assertClose(T.tensor(analytic, { dtype: 'float64', shape: x.shape }), T.tensor(numeric, { dtype: 'float64', shape: x.shape }), {
        atol: opts.atol ?? 1e-6,
        rtol: opts.rtol ?? 1e-5,
        what: `${opts.what ?? 'gradcheck'}: d/d input ${k}`,
      });
    });
  });
}

/** Runs fn with console.log / console.error captured (CLI tests). */
export async function quietly<R>(fn: () => Promise<R>): Promise<{ result: R; out: string; err: string }> {
  const log = console.log,
    error = console.error;
  let out = '',
    err = '';
  console.log = (...a: unknown[]) => {
    out += a.join(' ') + '\n';
  };
  console.error = (...a: unknown[]) => {
    err += a.join(' ') + '\n';
  };
  try {
    return { result: await fn(), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}
