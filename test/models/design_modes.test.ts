// Design modes (design_modes.ts, --design-modes): G draws each (query, user) K ways; training
// gives each row's loss to the mode closest to its target; designing keeps M's first choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { Decoder } from '../../src/models/decoder.js';
import { Designer } from '../../src/models/designer.js';
import { closestModes, modeIndex, repeatForModes, selectModes } from '../../src/models/design_modes.js';
import { TINY_MODEL } from '../train/fixtures.js';

const tinyG = (modes: number) => new Decoder({ ...TINY_MODEL.decoder, inputDim: 6, modes }).eval();

test('design modes: rows laid out mode-major, and selectModes takes row b of mode best[b]', () => {
  T.tidy(() => {
    assert.deepEqual(modeIndex(3, 2, 'cpu').toArray(), [0, 0, 1, 1, 2, 2]);
    const x = T.tensor([10, 11]);
    assert.deepEqual(repeatForModes(x, 3).toArray(), [10, 11, 10, 11, 10, 11]);
    const rows = T.tensor([0, 1, 2, 3, 4, 5]); // mode k, row b at k * 2 + b
    assert.deepEqual(selectModes(rows, T.tensor([2, 0], { dtype: 'int64' })).toArray(), [4, 1]);
  });
});

test('a decoder with modes draws a different design per mode, needs a mode per row, and one without modes refuses them', () => {
  T.manualSeed(2);
  const G = tinyG(3), plain = tinyG(1);
  const live = T.liveTensors();
  T.tidy(() => {
    const h = T.randn([2, 6]);
    const d = (m: number) => G.forward(h, T.tensor([m, m], { dtype: 'int64' }));
    // (A fresh G in eval mode draws tiny values: compare relative to their size.)
    const rel = (a: T.Tensor, b: T.Tensor) => T.mean(T.abs(T.sub(a, b))).item() / T.mean(T.abs(a)).item();
    assert.ok(rel(d(0), d(1)) > 0.01, `modes 0 and 1 differ: ${rel(d(0), d(1))}`);
    assert.ok(rel(d(1), d(2)) > 0.01, `modes 1 and 2 differ: ${rel(d(1), d(2))}`);
    assert.throws(() => G.forward(h), /3 design modes/);
    assert.throws(() => plain.forward(h, T.tensor([0, 0], { dtype: 'int64' })), /no design modes/);
    assert.equal(plain.modeEmbedding, null);
  });
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
  assert.throws(() => tinyG(0), /modes must be a positive integer/);
  G.dispose();
  plain.dispose();
});

test('closestModes: with no exploration, each row gets the mode whose design is its target; with full exploration, random modes', () => {
  T.manualSeed(4);
  const G = tinyG(4);
  const live = T.liveTensors();
  T.tidy(() => {
    const h = T.randn([5, 6]);
    const want = T.tensor([3, 0, 2, 2, 1], { dtype: 'int64' });
    const target = T.noGrad(() => G.forward(h, want));
    assert.deepEqual(closestModes(G, h, target, 0).toArray(), want.toArray());
    // Exploration draws uniformly: over many rows every mode appears.
    const hMany = T.randn([64, 6]);
    const explored = closestModes(G, hMany, T.noGrad(() => G.forward(hMany, T.zeros([64], { dtype: 'int64' }))), 1).toArray() as number[];
    assert.equal(new Set(explored).size, 4, `random modes ${explored}`);
  });
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
  G.dispose();
});

test('a designer with modes designs, for each row, the mode M scores highest for its user and query (brute force agrees)', () => {
  T.manualSeed(6);
  const K = 3;
  const model = new Designer({ ...TINY_MODEL, users: 4, userCond: 'vector', targets: ['bottom'], designModes: K });
  assert.equal(model.modes, K);
  const live = T.liveTensors();
  T.tidy(() => {
    const queries = T.sub(T.mul(T.rand([5, 3, 64, 64]), 2), 1);
    const users = T.tensor([0, 1, 2, 3, 1], { dtype: 'int64' });
    const design = model.design(queries, users, 'bottom'); // [5, 3, 64, 64]
    // Brute force: every mode's design for every row, scored one by one.
    model.eval();
    T.noGrad(() => {
      const zq = model.encoder.forward(queries);
      const G = model.generator('bottom');
      const perMode = Array.from({ length: K }, (_, k) => G.forward(model.generatorInput(zq, users), T.full([5], k, { dtype: 'int64' })));
      const scores = perMode.map((d) => model.score(users, zq, model.encoder.forward(d)).toArray() as number[]);

      for (let b = 0; b < 5; b++) {
        const s = scores.map((row) => row[b]!);
        const best = s.indexOf(Math.max(...s));

        assert.ok(T.allclose(T.narrow(design, 0, b, 1), T.narrow(perMode[best]!, 0, b, 1), 1e-4, 1e-5), `row ${b}: the design is mode ${best}, M's choice`);
      }
    });
    // Codes in, the same designs out (the server's path).
    assert.ok(T.allclose(model.designFromCodes(model.queryCodes(queries), users, 'bottom'), design, 1e-5, 1e-6));
  });
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
  model.dispose();
});

test('modes leave the paper\'s layers as they were: the same initial weights from one seed, and choosing a mode moves no BatchNorm statistics', () => {
  T.manualSeed(9);
  const plain = new Decoder({ ...TINY_MODEL.decoder, inputDim: 6, inputNorm: true });
  T.manualSeed(9);
  const G = new Decoder({ ...TINY_MODEL.decoder, inputDim: 6, inputNorm: true, modes: 3 });
  const own = G.stateDict();
  for (const [k, t] of plain.stateDict()) assert.ok(T.equal(t, own.get(k)!), `${k}: the same initial values`);
  T.tidy(() => {
    const before = [...G.stateDict()].filter(([k]) => /running_|num_batches/.test(k)).map(([k, t]) => [k, T.keep(t.clone())] as const);
    G.train();
    const h = T.randn([4, 6]);
    closestModes(G, h, T.noGrad(() => T.detach(G.forward(h, T.zeros([4], { dtype: 'int64' })))), 0);
    // (the forward above moved them once; closestModes must not move them again)
    const after = new Map(G.stateDict());
    const moved = before.filter(([k, t]) => !T.equal(t, after.get(k)!)).length;
    assert.ok(moved > 0, 'the training pass moves running statistics (else the test proves nothing)');
    const again = [...G.stateDict()].filter(([k]) => /running_|num_batches/.test(k)).map(([k, t]) => [k, T.keep(t.clone())] as const);
    closestModes(G, h, T.randn([4, 3, 64, 64]), 0);
    const now = new Map(G.stateDict());
    for (const [k, t] of again) assert.ok(T.equal(t, now.get(k)!), `${k} is unchanged by closestModes`);
    assert.ok(G.training, 'G is back in training mode');
    T.dispose([...before.map(([, t]) => t), ...again.map(([, t]) => t)]);
  });
  plain.dispose();
  G.dispose();
});
