// Optimizers: hand-computed Adam, PyTorch trajectories, disjoint parameter
// sets, and state that resumes exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';
import { assertClose, fixture } from '../helpers.js';

test('Adam: two steps against the update computed by hand', () => {
  const p = T.keep(T.tensor([1.0, -2.0], { dtype: 'float64', requiresGrad: true }));
  const opt = new nn.Adam([p], { lr: 0.1, betas: [0.9, 0.99], eps: 1e-8, weightDecay: 0.5 });
  let m = [0, 0],
    v = [0, 0],
    w = [1.0, -2.0];
  const grads = [
    [0.3, -0.7],
    [1.2, 0.4],
  ];
  grads.forEach((g, t) => {
    T.tidy(() => p.setGrad(T.tensor(g, { dtype: 'float64' })));
    opt.step();
    const step = t + 1;
    w = w.map((wi, i) => {
      const gi = g[i]! + 0.5 * wi;
      m[i] = 0.9 * m[i]! + 0.1 * gi;
      v[i] = 0.99 * v[i]! + 0.01 * gi * gi;
      const mhat = m[i]! / (1 - 0.9 ** step);
      const vhat = v[i]! / (1 - 0.99 ** step);
      return wi - (0.1 * mhat) / (Math.sqrt(vhat) + 1e-8);
    });
    p.toArray().forEach((x, i) => assert.ok(Math.abs(x - w[i]!) < 1e-12, `step ${step}: ${x} vs ${w[i]}`));
  });
  assert.equal(opt.steps, 2);
  p.dispose();
});

const fx = fixture('torch_optim.safetensors');
const trajectories: [string, (p: T.Tensor) => nn.Optimizer][] = [
  ['adam', (p) => new nn.Adam([p], { lr: 0.05, betas: [0.5, 0.9], eps: 1e-6, weightDecay: 0.1 })],
  ['sgd', (p) => new nn.SGD([p], { lr: 0.02, momentum: 0.9, dampening: 0.1, weightDecay: 0.05 })],
  ['nesterov', (p) => new nn.SGD([p], { lr: 0.02, momentum: 0.9, nesterov: true })],
];
for (const [name, make] of trajectories) {
  test(`${name}: five steps follow torch.optim's trajectory`, () => {
    const w = T.keep(fx.get('w0').clone().requiresGrad_());
    const opt = make(w);
    for (let step = 1; step <= 5; step++) {
      opt.zeroGrad();
      T.tidy(() => T.mean(T.square(T.sub(T.matmul(fx.get('a'), w), fx.get('y')))).backward());
      opt.step();
      assertClose(w, fx.get(`${name}.w${step}`), { atol: 1e-6, rtol: 1e-5, what: `${name} step ${step}` });
    }
    w.dispose();
  });
}

test('optimizers over disjoint sets update only their own parameters', () => {
  const a = new nn.Linear(3, 3),
    b = new nn.Linear(3, 1);
  const optA = new nn.Adam(nn.parametersOf(a), { lr: 0.1 });
  T.tidy(() => T.sum(b.forward(a.forward(T.randn([4, 3])))).backward());
  const before = b.parameters().map((p) => p.toArray());
  const beforeA = a.parameters().map((p) => p.toArray());
  optA.step();
  assert.deepEqual(
    b.parameters().map((p) => p.toArray()),
    before,
  );
  assert.notDeepEqual(
    a.parameters().map((p) => p.toArray()),
    beforeA,
  );
  optA.zeroGrad();
  assert.ok(a.parameters().every((p) => p.grad === null));
  assert.ok(
    b.parameters().every((p) => p.grad !== null),
    'zeroGrad leaves other sets alone',
  );
  assert.throws(() => nn.parametersOf(a, a.weight), /share a parameter/);
  assert.throws(() => new nn.Adam([]), /no parameters/);
  a.dispose();
  b.dispose();
});

test('optimizer state saved and loaded resumes to identical parameters', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pfd-opt-'));
  const run = (resumeAt: number | null) => {
    T.manualSeed(11);
    const net = new nn.Linear(4, 2);
    let opt = new nn.Adam(net.parameters(), { lr: 0.01 });
    for (let i = 0; i < 6; i++) {
      if (i === resumeAt) {
        nn.saveModule(net, path.join(dir, 'w.safetensors'));
        nn.saveOptimizer(opt, path.join(dir, 'opt.safetensors'));
        net.dispose();
        const fresh = new nn.Linear(4, 2);
        nn.loadModule(fresh, path.join(dir, 'w.safetensors'));
        opt = new nn.Adam(fresh.parameters(), { lr: 0.01 });
        nn.loadOptimizer(opt, path.join(dir, 'opt.safetensors'));
        return { net: fresh, opt, from: i };
      }
      opt.zeroGrad();
      T.tidy(() => T.sum(T.square(net.forward(T.full([3, 4], i + 1)))).backward());
      opt.step();
    }
    return { net, opt, from: 6 };
  };
  const straight = run(null);
  const resumed = run(3);
  for (let i = resumed.from; i < 6; i++) {
    resumed.opt.zeroGrad();
    T.tidy(() => T.sum(T.square(resumed.net.forward(T.full([3, 4], i + 1)))).backward());
    resumed.opt.step();
  }
  assert.deepEqual(
    resumed.net.parameters().map((p) => p.toArray()),
    straight.net.parameters().map((p) => p.toArray()),
  );
  assert.equal((resumed.opt as nn.Adam).steps, 6);
  const sgd = new nn.SGD(new nn.Linear(4, 2).parameters(), { lr: 0.1 });
  assert.throws(() => nn.loadOptimizer(sgd, path.join(dir, 'opt.safetensors')), /holds Adam optimizer state, expected SGD/);
});
