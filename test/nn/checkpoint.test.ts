// Module checkpoints: round trip, PyTorch-named files, and mismatches named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';
import { Net } from './conformance_net.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pfd-ckpt-'));

test('save then load restores every parameter and buffer, with metadata', () => {
  const a = new Net();
  T.tidy(() => a.forward(T.randn([2, 8]), T.tensor([0, 1], { dtype: 'int64' }))); // moves running stats
  const file = path.join(dir, 'net.safetensors');
  nn.saveModule(a, file, { iteration: '7' });
  const b = new Net();
  const meta = nn.loadModule(b, file);
  assert.equal(meta.iteration, '7');
  for (const [k, v] of a.stateDict()) assert.deepEqual(b.stateDict().get(k)!.toArray(), v.toArray(), k);
  assert.deepEqual(readdirSync(dir), ['net.safetensors']);
  a.dispose();
  b.dispose();
});

test('a checkpoint that does not fit names every missing, unexpected, mis-shaped and mis-typed tensor, and changes nothing', () => {
  const net = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
  const file = path.join(dir, 'bad.safetensors');
  T.tidy(() =>
    T.saveTensors(file, {
      '0.weight': T.zeros([2, 4]), // wrong shape
      '0.bias': T.zeros([2], { dtype: 'float64' }), // wrong dtype
      '1.weight': T.zeros([2]),
      'extra.thing': T.zeros([1]), // unexpected
    }),
  );
  const before = net.stateDict().get('0.weight')!.toArray();
  assert.throws(
    () => nn.loadModule(net, file),
    (e: Error) => {
      assert.match(e.message, /checkpoint .*bad\.safetensors does not match Sequential/);
      assert.match(e.message, /'0\.weight' has shape \[2, 4\], the model needs \[2, 3\]/);
      assert.match(e.message, /'0\.bias' has dtype float64, the model needs float32/);
      assert.match(e.message, /missing '1\.bias' \[2\]/);
      assert.match(e.message, /missing '1\.running_mean'/);
      assert.match(e.message, /unexpected 'extra\.thing'/);
      return true;
    },
  );
  assert.deepEqual(net.stateDict().get('0.weight')!.toArray(), before);
  assert.throws(() => nn.loadModule(net, path.join(dir, 'nope.safetensors')), /nope\.safetensors: cannot read: ENOENT/);
  net.dispose();
});

test('non-strict loading fills what is there and ignores the rest', () => {
  const net = new nn.Sequential(new nn.Linear(3, 2));
  const file = path.join(dir, 'partial.safetensors');
  T.tidy(() => T.saveTensors(file, { '0.weight': T.ones([2, 3]), other: T.zeros([1]) }));
  nn.loadModule(net, file, { strict: false });
  assert.deepEqual(net.layers[0]!.parameters()[0]!.toArray(), [1, 1, 1, 1, 1, 1]);
  net.dispose();
});
