// Warm start (--init-from): a new run begins with a trained snapshot's weights, fresh
// optimizers and its own settings; a snapshot that does not fit is refused by name.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { train, buildModel } from '../../src/train/trainer.js';
import { RunDir } from '../../src/train/run_dir.js';
import { initFromSnapshot, initSnapshotPath } from '../../src/train/init_from.js';
import { loadDataset } from '../../src/data/load.js';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';
import { quietly } from '../helpers.js';
import { tinyConfig, tinyWorld } from './fixtures.js';

let world = '';
let source = ''; // a trained tiny run's serving snapshot
let users: string[] = [];
before(async () => {
  world = await tinyWorld();
  users = [...loadDataset({ path: world, format: 'manifest', skipBad: false }).users];
  const dir = path.join(tmp('init'), 'source');
  await train(tinyConfig(world, { iterations: 2 }), dir);
  source = new RunDir(dir).model;
});

const values = (t: T.Tensor): number[] => Array.from(t.toArray() as ArrayLike<number>, Number);

function snapshot(file: string): Map<string, number[]> {
  const { tensors } = T.loadTensors(file);
  const out = new Map([...tensors].map(([k, t]) => [k, values(t)]));
  T.dispose([...tensors.values()]);
  return out;
}

test('initFromSnapshot copies every weight and buffer of the snapshot into a freshly built model', () => {
  const config = tinyConfig(world, { seed: 7, initFrom: source });
  const model = buildModel(config, users.length);
  try {
    const fresh = model.stateDict();
    const want = snapshot(source);
    const differs = [...fresh].some(([k, t]) => JSON.stringify(values(t)) !== JSON.stringify(want.get(k)));
    assert.ok(differs, 'a model built with another seed starts elsewhere (else the test proves nothing)');
    assert.deepEqual(initFromSnapshot(model, config, users, source), { iteration: 2, method: 'designer' });
    const got = model.stateDict();
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [k, t] of got) assert.deepEqual(values(t), want.get(k), k);
  } finally {
    model.dispose();
  }
});

test('a warm-started run trains from the snapshot: fresh iteration count, its own settings, and it says where it started', async () => {
  const dir = path.join(tmp('init'), 'warm');
  const notes: string[] = [];
  // A learning rate too small to move anything: after one iteration the parameters are still the snapshot's.
  const r = await train(tinyConfig(world, { seed: 7, iterations: 1, lr: 1e-12, initFrom: source }), dir, { events: { onNote: (m) => notes.push(m) } });
  assert.equal(r.iteration, 1);
  assert.ok(notes.some((n) => n.includes(source) && n.includes('iteration 2')), notes.join('\n'));
  const run = new RunDir(dir);
  assert.equal(run.readConfig().initFrom, source, 'the run folder records where it started');
  const got = snapshot(run.model), want = snapshot(source);
  // (batch-norm running statistics and the score's running mean move without the learning rate)
  for (const [k, v] of want) {
    if (/running_|num_batches|score/i.test(k)) continue;
    const g = got.get(k)!;
    assert.ok(v.every((x, i) => Math.abs(x - g[i]!) < 1e-6), `${k} is the snapshot's`);
  }
});

test('a snapshot that does not fit is refused, naming the file and the difference', () => {
  const withPair = tinyConfig(world, { initFrom: source, model: { pairDiscriminator: true } });
  const m1 = buildModel(withPair, users.length);
  try {
    assert.throws(() => initFromSnapshot(m1, withPair, users, source), /--init-from: checkpoint .*model\.safetensors does not match .*unexpected|missing.*architecture options/);
  } finally {
    m1.dispose();
  }
  const config = tinyConfig(world, { initFrom: source });
  const m2 = buildModel(config, users.length - 1);
  try {
    assert.throws(() => initFromSnapshot(m2, config, users.slice(1), source), /trained with 4 users, the dataset .* has 3; a warm start needs the same users/);
  } finally {
    m2.dispose();
  }
  const m3 = buildModel(config, users.length);
  try {
    assert.throws(() => initFromSnapshot(m3, config, [...users].reverse(), source), /different ids or order/);
  } finally {
    m3.dispose();
  }
  const label = tinyConfig(world, { method: 'pix2pix', initFrom: source });
  const m4 = buildModel(label, users.length);
  try {
    assert.throws(() => initFromSnapshot(m4, label, users, source), /holds the model 'designer', this run trains 'pix2pix'/);
  } finally {
    m4.dispose();
  }
  assert.equal(initSnapshotPath(path.dirname(source)), source, 'a run folder names its snapshot');
  assert.throws(() => initSnapshotPath(path.join(world, 'nope')), /--init-from .*nope: not found/);
  assert.throws(() => initSnapshotPath(world), /model\.safetensors not found/);
});

test('pfd train --init-from: a usage error for a missing snapshot; it cannot change a resumed run', async () => {
  const r = await quietly(() => main(['train', '--data', world, '--init-from', path.join(world, 'nope'), '--out', path.join(tmp('init'), 'x')]));
  assert.equal(r.result, 2);
  assert.match(r.err, /--init-from .*nope: not found/);
  const resumed = await quietly(() => main(['train', '--resume', path.dirname(source), '--init-from', source]));
  assert.equal(resumed.result, 2);
  assert.match(resumed.err, /only --iterations, --minutes/);
});
