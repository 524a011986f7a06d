// nn modules against PyTorch: the same net with the same weights gives the
// same outputs, gradients, BatchNorm running stats, state-dict names and
// parameter counts (fixture: test/fixtures/torch_modules.safetensors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { assertClose, fixture } from '../helpers.js';
import { Net } from './conformance_net.js';

const fx = fixture('torch_modules.safetensors');
const initial = new Map(
  fx
    .keys()
    .filter((k) => k.startsWith('init.'))
    .map((k) => [k.slice(5), fx.get(k)]),
);

test("state dict names and order are PyTorch's", () => {
  const net = new Net();
  assert.deepEqual([...net.stateDict().keys()], JSON.parse(fx.metadata.keys!));
  net.dispose();
});

test("parameter counts per submodule are PyTorch's", () => {
  const net = new Net();
  const counts = Object.fromEntries(
    net
      .namedModules()
      .filter(([n]) => n && !n.includes('.'))
      .map(([n, m]) => [n, m.numParameters()]),
  );
  assert.deepEqual(counts, JSON.parse(fx.metadata.param_counts!));
  net.dispose();
});

test('forward, backward and running statistics match PyTorch (train mode), then eval mode', () => {
  const net = new Net();
  net.loadStateDict(initial);
  T.tidy(() => {
    const [img, score] = net.forward(fx.get('z'), fx.get('user'));
    assertClose(img, fx.get('img'), { what: 'img' });
    assertClose(score, fx.get('score'), { what: 'score' });
    T.add(T.sum(T.mul(img, fx.get('gimg'))), T.sum(T.mul(score, fx.get('gscore')))).backward();
    // atol 1e-4: a bias right before BatchNorm has a true gradient of 0, and both sides hold float32 rounding noise there.
    for (const [name, p] of net.namedParameters())
      assertClose(p.grad!, fx.get(`grad.${name}`), { what: `grad of ${name}`, atol: 1e-4, rtol: 1e-3 });
    for (const [name, b] of net.namedBuffers()) assertClose(b, fx.get(`after.${name}`), { what: name });
  });
  net.eval();
  T.tidy(() => {
    const [img] = T.noGrad(() => net.forward(fx.get('z'), fx.get('user')));
    assertClose(img, fx.get('img_eval'), { what: 'eval img' });
  });
  net.dispose();
});
