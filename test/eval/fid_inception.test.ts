// The FID Inception-v3: state-dict names and shapes as pytorch-fid's network,
// loading from a safetensors weights file (generated here: the real weights
// cannot be downloaded on these machines), and its forward pass against an
// independent PyTorch definition with the same deterministic weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { FidInceptionV3, loadFidInception } from '../../src/eval/fid_inception.js';
import { fixture, assertClose } from '../helpers.js';
import { tmp } from '../data/fixtures.js';

const f = fixture('fid_inception.safetensors');
const reference = JSON.parse(f.metadata.state_dict!) as [string, number[]][];

/** The fixture script's formula weights (scripts/fixtures/make_eval_fixtures.py: formula()). */
function formula(name: string, shape: number[], j: number): T.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  const scale = 2 / Math.sqrt(n / (shape[0] ?? 1));
  for (let k = 0; k < n; k++) {
    const s = Math.sin(0.37 * k + 1.3 * j);
    v[k] = name.endsWith('running_var')
      ? 1 + 0.5 * Math.abs(s)
      : name.endsWith('bn.weight')
        ? 1 + 0.1 * s
        : name.endsWith('bias') || name.endsWith('running_mean')
          ? 0.1 * s
          : s * scale;
  }
  return T.tensor(v, { shape });
}

test('FID Inception-v3: the same state-dict names and shapes as pytorch-fid (23.85M parameters)', () => {
  const net = new FidInceptionV3();
  const ours = [...net.stateDict()].map(([k, v]) => [k, v.shape] as [string, number[]]);
  assert.deepEqual(ours, reference);
  assert.equal(net.numParameters(), 23_850_960);
  net.dispose();
});

test('FID Inception-v3: loads a converted weights file and matches the PyTorch definition (pool3 and logits)', () => {
  const file = path.join(tmp('inception'), 'pt_inception.safetensors');
  const names = reference
    .map(([k]) => k)
    .filter((k) => !k.endsWith('num_batches_tracked'))
    .sort();
  const shapes = new Map(reference);
  // Written as a converted .pth would be: no num_batches_tracked (older PyTorch), float32.
  T.tidy(() => T.saveTensors(file, new Map(names.map((k, j) => [k, formula(k, shapes.get(k)!, j)]))));
  const net = loadFidInception(file);
  T.tidy(() =>
    T.noGrad(() => {
      const x = T.sub(T.mul(f.get('input01'), 2), 1); // [0, 1] -> [-1, 1]
      const out = net.forward(x);
      assertClose(out.features, f.get('features'), { atol: 1e-4, rtol: 1e-3, what: 'pool3 features' });
      assertClose(out.logits, f.get('logits'), { atol: 1e-4, rtol: 1e-3, what: 'logits' });
    }),
  );
  net.dispose();
  // A file with a wrong tensor is refused with every mismatch named.
  const bad = path.join(tmp('inception'), 'bad.safetensors');
  T.tidy(() =>
    T.saveTensors(
      bad,
      new Map(names.filter((k) => k !== 'fc.weight').map((k, j) => [k, k === 'fc.bias' ? T.zeros([1000]) : formula(k, shapes.get(k)!, j)])),
    ),
  );
  assert.throws(() => loadFidInception(bad), /fc\.weight[\s\S]*fc\.bias[\s\S]*pt_inception-2015-12-05/);
});
