// Scoped memory: tidy frees what it does not return; keep and dispose; no leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';

test('tidy frees intermediates and hands the result to the enclosing scope', () => {
  const before = T.liveTensors();
  const outer = T.tidy(() => {
    const inner = T.tidy(() => {
      const a = T.ones([3]);
      const b = T.add(a, 1);
      return T.mul(b, 2);
    });
    assert.deepEqual(inner.toArray(), [4, 4, 4]);
    T.add(inner, 1); // garbage in the outer scope
    return { value: inner, list: [T.zeros([1])] };
  });
  assert.equal(T.liveTensors(), before + 2);
  assert.equal(outer.value.isDisposed, false);
  T.dispose(outer);
  assert.equal(T.liveTensors(), before);
});

test('keep() survives its scope; dispose() frees at once; use after free is a clear error', () => {
  const before = T.liveTensors();
  const kept =
    T.tidy(() => {
      const k = T.keep(T.ones([2]));
      T.ones([2]);
      return null;
    }) ?? null;
  assert.equal(kept, null);
  assert.equal(T.liveTensors(), before + 1);
  const t = T.tidy(() => T.ones([2]));
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.throws(() => T.add(t, 1), /already freed/);
  assert.equal(String(t), 'Tensor(disposed)');
});

test('a throwing function still frees its scope', () => {
  const before = T.liveTensors();
  assert.throws(
    () =>
      T.tidy(() => {
        T.ones([4]);
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(T.liveTensors(), before);
});

test('tidy refuses async functions', () => {
  assert.throws(() => T.tidy((async () => T.ones([1])) as unknown as () => T.Tensor), /synchronous/);
});

test('backward and grads inside tidy leave no tensors behind', () => {
  const w = T.keep(T.randn([4, 3], { requiresGrad: true }));
  const before = T.liveTensors();
  for (let i = 0; i < 5; i++) {
    T.tidy(() => {
      const y = T.matmul(T.randn([2, 4]), w)
        .tanh()
        .sum();
      y.backward();
      w.grad!.toArray();
      w.setGrad(null);
    });
  }
  assert.equal(T.liveTensors(), before);
  w.dispose();
});
