// nn modules: shapes, parameter counts, initializations, modes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';

test('output shapes and parameter counts follow PyTorch', () => {
  T.tidy(() => {
    const lin = new nn.Linear(10, 4);
    assert.deepEqual(lin.forward(T.zeros([3, 10])).shape, [3, 4]);
    assert.equal(lin.numParameters(), 10 * 4 + 4);
    assert.equal(new nn.Linear(10, 4, { bias: false }).numParameters(), 40);
    const conv = new nn.Conv2d(3, 8, 5, { stride: 2, padding: 2 });
    assert.deepEqual(conv.forward(T.zeros([2, 3, 64, 64])).shape, [2, 8, 32, 32]);
    assert.equal(conv.numParameters(), 8 * 3 * 25 + 8);
    const deconv = new nn.ConvTranspose2d(8, 4, 5, { stride: 2, padding: 2, outputPadding: 1 });
    assert.deepEqual(deconv.weight.shape, [8, 4, 5, 5]);
    assert.deepEqual(deconv.forward(T.zeros([2, 8, 16, 16])).shape, [2, 4, 32, 32]);
    const bn = new nn.BatchNorm2d(6);
    assert.equal(bn.numParameters(), 12);
    assert.deepEqual([...bn.stateDict().keys()], ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    const emb = new nn.Embedding(10, 3);
    assert.deepEqual(emb.forward(T.tensor([[1, 2]], { dtype: 'int64' })).shape, [1, 2, 3]);
    const seq = new nn.Sequential(new nn.Flatten(), new nn.Linear(12, 2), new nn.Unflatten([1, 2]));
    assert.deepEqual(seq.forward(T.zeros([5, 3, 4])).shape, [5, 1, 2]);
    assert.deepEqual(
      seq.namedParameters().map(([n]) => n),
      ['1.weight', '1.bias'],
    );
    for (const m of [lin, conv, deconv, bn, emb, seq]) m.dispose();
  });
});

test("default initializations have PyTorch's ranges; DCGAN init has std 0.02", () => {
  T.manualSeed(3);
  const lin = new nn.Linear(400, 300);
  const w = lin.weight.toArray();
  const bound = 1 / Math.sqrt(400);
  assert.ok(w.every((v) => Math.abs(v) <= bound));
  const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  assert.ok(Math.abs(std - bound / Math.sqrt(3)) < 0.02 * bound, `uniform std ${std}`);
  assert.ok(lin.bias!.toArray().every((v) => Math.abs(v) <= bound));
  const deconv = new nn.ConvTranspose2d(64, 32, 5);
  assert.equal(nn.fanIn(deconv.weight), 32 * 25); // PyTorch's fan_in for transposed conv weights
  const net = new nn.Sequential(new nn.Conv2d(3, 64, 5), new nn.BatchNorm2d(64), deconv, new nn.Linear(10, 10));
  const linBefore = (net.layers[3] as nn.Linear).weight.toArray();
  nn.dcganInit(net);
  const c = (net.layers[0] as nn.Conv2d).weight.toArray();
  const s = Math.sqrt(c.reduce((a, v) => a + v * v, 0) / c.length);
  assert.ok(Math.abs(s - 0.02) < 0.002, `conv std ${s}`);
  assert.ok((net.layers[0] as nn.Conv2d).bias!.toArray().every((v) => v === 0));
  const g = (net.layers[1] as nn.BatchNorm2d).weight!.toArray();
  assert.ok(Math.abs(g.reduce((a, v) => a + v, 0) / g.length - 1) < 0.01);
  assert.deepEqual((net.layers[3] as nn.Linear).weight.toArray(), linBefore, 'Linear untouched without {linear: true}');
  lin.dispose();
  net.dispose();
});

test('BatchNorm2d: batch statistics and running-stat updates in training, running stats in eval', () => {
  T.tidy(() => {
    const bn = new nn.BatchNorm2d(1, { momentum: 0.5 });
    const x = T.reshape(T.tensor([1, 3, 5, 7]), [4, 1, 1, 1]); // mean 4, unbiased var 20/3
    const y = bn.forward(x);
    const expected = [1, 3, 5, 7].map((v) => (v - 4) / Math.sqrt(5 + 1e-5)); // biased var 5 normalizes
    assert.ok(y.toArray().every((v, i) => Math.abs(v - expected[i]!) < 1e-5));
    assert.ok(Math.abs(bn.runningMean!.item() - 2) < 1e-6); // 0.5 * 0 + 0.5 * 4
    assert.ok(Math.abs(bn.runningVar!.item() - (0.5 + (0.5 * 20) / 3)) < 1e-5);
    assert.equal(bn.numBatchesTracked!.item(), 1);
    bn.eval();
    const z = bn.forward(x);
    const rv = 0.5 + (0.5 * 20) / 3;
    assert.ok(z.toArray().every((v, i) => Math.abs(v - ([1, 3, 5, 7][i]! - 2) / Math.sqrt(rv + 1e-5)) < 1e-5));
    assert.equal(bn.numBatchesTracked!.item(), 1, 'eval does not count batches');
    assert.throws(() => bn.forward(T.zeros([2, 3, 4, 4])), /BatchNorm2d\(1\): expected input of rank 4 with 1 channels/);
    bn.dispose();
  });
});

test('Dropout: scales kept units in training, identity in eval', () => {
  T.tidy(() => {
    T.manualSeed(0);
    const d = new nn.Dropout(0.5);
    const y = d.forward(T.ones([1000])).toArray();
    assert.ok(y.every((v) => v === 0 || v === 2));
    const kept = y.filter((v) => v === 2).length;
    assert.ok(kept > 400 && kept < 600);
    d.eval();
    assert.ok(
      d
        .forward(T.ones([10]))
        .toArray()
        .every((v) => v === 1),
    );
    assert.throws(() => new nn.Dropout(1.5), /p must be in \[0, 1\]/);
  });
});

test('train()/eval() reach every submodule; zeroGrad clears gradients', () => {
  T.tidy(() => {
    const net = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.BatchNorm1d(2)));
    net.eval();
    assert.ok(net.namedModules().every(([, m]) => !m.training));
    net.train();
    assert.ok(net.namedModules().every(([, m]) => m.training));
    T.sum(net.forward(T.randn([4, 2]))).backward();
    assert.ok(net.parameters().every((p) => p.grad !== null));
    net.zeroGrad();
    assert.ok(net.parameters().every((p) => p.grad === null));
    net.dispose();
  });
});

test('Module.to(cpu) keeps tensor identities (and moves to CUDA when there is one)', () => {
  const lin = new nn.Linear(3, 2);
  const w = lin.weight;
  lin.to('cpu');
  assert.equal(lin.weight, w);
  if (T.cudaAvailable()) {
    lin.to('cuda:0');
    assert.equal(lin.weight.device, 'cuda:0');
    assert.ok(lin.weight.requiresGrad);
  }
  lin.dispose();
});
