// Tensor creation, data in/out, dtypes and metadata against known values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';

test('tensor() from nested arrays infers the shape; data() returns the dtype array', () => {
  T.tidy(() => {
    const t = T.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, 'float32');
    assert.equal(t.device, 'cpu');
    assert.ok(t.data() instanceof Float32Array);
    assert.deepEqual(t.toArray(), [1, 2, 3, 4, 5, 6]);
    assert.equal(t.numel, 6);
    assert.equal(t.size(-1), 3);
  });
});

test('every dtype round-trips through the addon', () => {
  T.tidy(() => {
    const values = [0, 1, -2, 3];
    for (const dtype of ['float32', 'float64', 'int64', 'int32', 'int16', 'int8'] as const) {
      assert.deepEqual(T.tensor(values, { dtype }).toArray(), values, dtype);
    }
    assert.deepEqual(T.tensor([0, 1, 255], { dtype: 'uint8' }).toArray(), [0, 1, 255]);
    assert.deepEqual(T.tensor([1, 0, 1], { dtype: 'bool' }).toArray(), [1, 0, 1]);
    assert.deepEqual(T.tensor([0.5, -1.25], { dtype: 'float16' }).toArray(), [0.5, -1.25]);
    assert.deepEqual(T.tensor([2, 0.5], { dtype: 'bfloat16' }).toArray(), [2, 0.5]);
    const big = T.tensor(new BigInt64Array([9007199254740993n]), { shape: [1] });
    assert.equal((big.data() as BigInt64Array)[0], 9007199254740993n);
  });
});

test('creation ops give known values', () => {
  T.tidy(() => {
    assert.deepEqual(T.zeros([2, 2]).toArray(), [0, 0, 0, 0]);
    assert.deepEqual(T.ones([3], { dtype: 'int32' }).toArray(), [1, 1, 1]);
    assert.deepEqual(T.full([2], 7.5).toArray(), [7.5, 7.5]);
    assert.deepEqual(T.arange(4).toArray(), [0, 1, 2, 3]);
    assert.equal(T.arange(4).dtype, 'int64');
    assert.deepEqual(T.arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
    assert.deepEqual(T.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(T.eye(2).toArray(), [1, 0, 0, 1]);
    assert.deepEqual(T.scalarTensor(3).shape, []);
    assert.equal(T.scalarTensor(3).item(), 3);
    const p = T.randperm(10)
      .toArray()
      .sort((a, b) => a - b);
    assert.deepEqual(p, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const ri = T.randint(2, 5, [1000]).toArray();
    assert.ok(ri.every((v) => v >= 2 && v < 5) && new Set(ri).size === 3);
  });
});

test('manualSeed makes random draws repeatable', () => {
  T.tidy(() => {
    T.manualSeed(42);
    const a = T.randn([5]).toArray();
    const u = T.rand([3]).toArray();
    T.manualSeed(42);
    assert.deepEqual(T.randn([5]).toArray(), a);
    assert.deepEqual(T.rand([3]).toArray(), u);
    assert.ok(u.every((v) => v >= 0 && v < 1));
  });
});

test('scalar operands keep integer dtypes; division is true division', () => {
  T.tidy(() => {
    const i = T.tensor([1, 2, 3], { dtype: 'int64' });
    assert.equal(T.add(i, 1).dtype, 'int64');
    assert.deepEqual(T.mul(i, 2).toArray(), [2, 4, 6]);
    assert.equal(T.div(i, 2).dtype, 'float32');
    assert.deepEqual(T.div(i, 2).toArray(), [0.5, 1, 1.5]);
    assert.deepEqual(T.add(i, 0.5).toArray(), [1.5, 2.5, 3.5]);
  });
});

test('comparisons, argmax, max along a dim, chunk/split, masked fill, index', () => {
  T.tidy(() => {
    const x = T.tensor([
      [1, 5, 3],
      [7, 2, 9],
    ]);
    assert.deepEqual(T.gt(x, 2.5).toArray(), [0, 1, 1, 1, 0, 1]);
    assert.deepEqual(T.eq(x, T.tensor([1, 2, 3])).toArray(), [1, 0, 1, 0, 1, 0]);
    assert.deepEqual(T.argmax(x, 1).toArray(), [1, 2]);
    const [v, idx] = T.maxDim(x, 0);
    assert.deepEqual(v.toArray(), [7, 5, 9]);
    assert.deepEqual(idx.toArray(), [1, 0, 1]);
    assert.deepEqual(
      T.chunk(x, 3, 1).map((c) => c.shape),
      [
        [2, 1],
        [2, 1],
        [2, 1],
      ],
    );
    assert.deepEqual(
      T.split(T.arange(5), 2).map((c) => c.toArray()),
      [[0, 1], [2, 3], [4]],
    );
    assert.deepEqual(T.maskedFill(x, T.lt(x, 3), 0).toArray(), [0, 5, 3, 7, 0, 9]);
    assert.deepEqual(T.index(x, [T.tensor([1, 0], { dtype: 'int64' })]).toArray(), [7, 2, 9, 1, 5, 3]);
    assert.equal(T.allclose(x, T.add(x, 1e-9)), true);
    assert.equal(
      T.isfinite(T.div(x, 0))
        .toArray()
        .every((b) => b === 0),
      true,
    );
  });
});

test('in-place ops change the tensor itself and return it', () => {
  T.tidy(() => {
    const x = T.tensor([1, 2, 3]);
    const y = T.add_(x, T.tensor([1, 1, 1]), 2);
    assert.equal(y, x);
    assert.deepEqual(x.toArray(), [3, 4, 5]);
    T.mul_(x, 2);
    T.addcmul_(x, T.tensor([1, 1, 1]), T.tensor([1, 2, 3]), 0.5);
    assert.deepEqual(x.toArray(), [6.5, 9, 11.5]);
    T.lerp_(x, T.zeros([3]), 0.5);
    assert.deepEqual(x.toArray(), [3.25, 4.5, 5.75]);
    T.zero_(x);
    T.fill_(x, 2);
    assert.deepEqual(x.toArray(), [2, 2, 2]);
  });
});

test('autograd: backward fills .grad, retainGraph allows a second pass, noGrad records nothing', () => {
  T.tidy(() => {
    const w = T.tensor([2, -1], { requiresGrad: true });
    const loss = T.sum(T.square(w));
    loss.backward(undefined, { retainGraph: true });
    assert.deepEqual(w.grad!.toArray(), [4, -2]);
    loss.backward();
    assert.deepEqual(w.grad!.toArray(), [8, -4]); // accumulates, as PyTorch
    w.setGrad(null);
    assert.equal(w.grad, null);
    const y = T.noGrad(() => T.mul(w, 3));
    assert.equal(y.requiresGrad, false);
    assert.equal(T.isGradEnabled(), true);
    assert.throws(() => T.sum(y).backward(), /does not require grad/);
  });
});

test('gradients: d out / d x without touching .grad; createGraph makes them differentiable (R1)', () => {
  T.tidy(() => {
    const w = T.tensor([0.5, 2], { requiresGrad: true });
    const x = T.tensor([1, -2], { requiresGrad: true });
    const out = T.sum(T.mul(w, T.mul(x, T.mul(x, x)))); // sum w x^3
    const [gx] = T.gradients(out, [x], { createGraph: true }); // 3 w x^2
    assert.deepEqual(gx!.toArray(), [1.5, 24]);
    assert.equal(x.grad, null);
    assert.equal(w.grad, null);
    T.sum(gx!).backward(); // d/dw sum 3 w x^2 = 3 x^2; d/dx = 6 w x
    assert.deepEqual(w.grad!.toArray(), [3, 12]);
    assert.deepEqual(x.grad!.toArray(), [3, -24]);
    const [plain] = T.gradients(T.sum(T.square(w)), [w]);
    assert.equal(plain!.requiresGrad, false);
    assert.throws(() => T.gradients(T.sum(T.noGrad(() => T.mul(w, 2))), [w]), /does not require grad/);
  });
});

test('threads default to every core and can be set', () => {
  const n = T.getNumThreads();
  assert.ok(n >= 1);
  T.setNumThreads(1);
  assert.equal(T.getNumThreads(), 1);
  T.setNumThreads(n);
  assert.equal(T.getNumThreads(), n);
});

test('devices: cpu always; cuda reported honestly', () => {
  assert.equal(T.parseDevice('cpu'), 'cpu');
  assert.throws(() => T.parseDevice('tpu'), /unknown device 'tpu'/);
  if (!T.cudaAvailable()) {
    assert.throws(() => T.parseDevice('cuda:0'), /no CUDA/);
    assert.equal(T.defaultDevice(), 'cpu');
  } else {
    T.tidy(() => assert.equal(T.ones([2], { device: 'cuda:0' }).device, 'cuda:0'));
  }
  const info = T.buildInfo();
  assert.match(info.torchVersion, /^\d+\.\d+/);
});
