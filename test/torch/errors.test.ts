// libtorch errors become JS exceptions with libtorch's message; the process keeps running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';

test("shape mismatch carries libtorch's message", () => {
  T.tidy(() => {
    assert.throws(() => T.add(T.ones([2, 3]), T.ones([4])), /size of tensor a \(3\) must match the size of tensor b \(4\)/);
    assert.throws(() => T.matmul(T.ones([2, 3]), T.ones([2, 3])), /cannot be multiplied|shapes cannot/);
    assert.throws(() => T.conv2d(T.ones([1, 3, 8, 8]), T.ones([4, 2, 3, 3])), /expected input\[1, 3, 8, 8\] to have 2 channels/);
    assert.throws(() => T.reshape(T.ones([6]), [4, 2]), /shape '\[4, 2\]' is invalid for input of size 6/);
  });
});

test('wrong argument types name the operator and the argument', () => {
  T.tidy(() => {
    assert.throws(() => T.callOp('aten::add.Tensor', T.ones([1]), 'two'), /aten::add\.Tensor: argument 'other': expected a Tensor/);
    assert.throws(
      () => T.callOp('aten::conv2d', T.ones([1, 1, 3, 3]), T.ones([1, 1, 1, 1]), null, 1.5),
      /argument 'stride' expects an integer/,
    );
    assert.throws(() => T.callOp('aten::sum'), /missing required argument 'self'/);
    assert.throws(() => T.zeros([2, -1]), /non-negative integers/);
    assert.throws(() => T.tensor([1, 2], { dtype: 'complex64' as T.DType }), /unknown dtype 'complex64'/);
    assert.throws(() => T.tensor([[1, 2], [3]]), /do not fill shape/);
  });
});

test('unknown operators are reported, not fatal', () => {
  assert.throws(() => T.callOp('aten::definitely_not_an_op'), /unknown operator aten::definitely_not_an_op/);
  assert.throws(() => T.callOp('aten::add.NoSuchOverload', T.ones([1])), /unknown operator aten::add\.NoSuchOverload/);
});

test('item() on a multi-element tensor, and in-place on a leaf that needs grad', () => {
  T.tidy(() => {
    assert.throws(() => T.ones([2]).item(), /has 2 elements, not 1/);
    const p = T.ones([2], { requiresGrad: true });
    assert.throws(() => T.add_(p, 1), /leaf Variable that requires grad/);
  });
});

test('the process keeps working after many errors', () => {
  for (let i = 0; i < 200; i++) assert.throws(() => T.tidy(() => T.add(T.ones([2]), T.ones([3]))));
  T.tidy(() => assert.deepEqual(T.add(T.ones([2]), 1).toArray(), [2, 2]));
});

test('callOp reaches ops without wrappers, and opSchema documents them', () => {
  T.tidy(() => {
    const r = T.callOp('aten::cumsum', T.tensor([1, 2, 3]), 0) as T.Tensor;
    assert.deepEqual(r.toArray(), [1, 3, 6]);
    assert.match(T.opSchema('aten::cumsum'), /^aten::cumsum\(Tensor self, int dim/);
  });
});
