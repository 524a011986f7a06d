// Warm start (--init-from): a new run begins with a trained snapshot's weights, fresh
// optimizers and its own settings; a snapshot that does not fit is refused by name.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import * as T from '../../src/torch/index.js';
import { train } from '../../src/train/trainer.js';
import { buildModel } from '../../src/train/models.js';
import { RunDir } from '../../src/run/run_dir.js';
import { checkInitSnapshot, loadInitSnapshot, initSnapshotPath } from '../../src/run/init_from.js';
import { loadDataset } from '../../src/data/load.js';
import { main } from '../../src/cli/pfd.js';
import type { ConfigOverrides } from '../../src/train/config.js';
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

test('a warm start copies every weight and buffer of the snapshot into a freshly built model', () => {
  const config = tinyConfig(world, { seed: 7, initFrom: path.dirname(source) });
  assert.equal(config.initFrom, path.dirname(source));
  const model = buildModel(config, users.length);
  try {
    const want = snapshot(source);
    const differs = [...model.stateDict()].some(([k, t]) => JSON.stringify(values(t)) !== JSON.stringify(want.get(k)));
    assert.ok(differs, 'a model built with another seed starts elsewhere (else the test proves nothing)');
    const init = checkInitSnapshot(config, users);
    assert.deepEqual(init, { file: source, iteration: 2, notes: [] }, 'a run folder names its snapshot');
    loadInitSnapshot(model, init);
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
  const r = await train(tinyConfig(world, { seed: 7, iterations: 1, lr: 1e-12, initFrom: source }), dir, {
    events: { onNote: (m) => notes.push(m) },
  });
  assert.equal(r.iteration, 1);
  assert.ok(
    notes.some((n) => n.includes(source) && n.includes('iteration 2')),
    notes.join('\n'),
  );
  const run = new RunDir(dir);
  assert.equal(run.readConfig().initFrom, source, 'the run folder records where it started');
  const got = snapshot(run.model),
    want = snapshot(source);
  // (batch-norm running statistics and the score's running mean move without the learning rate)
  for (const [k, v] of want) {
    if (/running_|num_batches|score/i.test(k)) continue;
    const g = got.get(k)!;
    assert.ok(
      v.every((x, i) => Math.abs(x - g[i]!) < 1e-6),
      `${k} is the snapshot's`,
    );
  }
});

test('a snapshot that does not fit is refused before training, naming the file and the difference', async () => {
  const refused = (o: ConfigOverrides, re: RegExp, u = users) =>
    assert.throws(() => checkInitSnapshot(tinyConfig(world, { initFrom: source, ...o }), u), re);
  refused(
    { model: { pairDiscriminator: true } },
    /--init-from .*model\.safetensors: it was trained with the architecture .* \(its config\.json: --preset, --pair-disc/,
  );
  refused({ userCond: 'label' }, /it was trained with user conditioning "vector", this run has "label" \(--user-cond\)/);
  refused({ task: 'top2bottom' }, /the task "both", this run has "top2bottom"/);
  refused({ method: 'pix2pix' }, /the model "designer", this run has "pix2pix" \(--model\)/);
  refused({}, /trained with 4 users, this run's data \(.*\) has 3; a warm start needs the same users/, users.slice(1));
  refused({}, /different ids or order/, [...users].reverse());
  const ckpt = path.join(path.dirname(source), 'checkpoints', 'iter-0000002', 'model.safetensors');
  refused({ initFrom: ckpt }, /not a pfd designer snapshot \(a resume checkpoint's weights: give the run folder/);
  assert.throws(() => initSnapshotPath(path.join(world, 'nope')), /--init-from .*nope: not found/);
  assert.throws(() => initSnapshotPath(world), /model\.safetensors not found/);
  // The weights too: a model whose tensors differ (here: one theta_u row fewer) is refused by loadModule's list.
  const m = buildModel(tinyConfig(world), users.length - 1);
  try {
    assert.throws(
      () => loadInitSnapshot(m, { file: source, iteration: 2, notes: [] }),
      /--init-from: checkpoint .*model\.safetensors does not match .*'user.*has shape.*Train with the snapshot's architecture/,
    );
  } finally {
    m.dispose();
  }
  // Another copy of the data (same users): a note, not a refusal.
  const other = await tinyWorld();
  assert.match(
    checkInitSnapshot(tinyConfig(other, { initFrom: source }), users).notes.join(),
    /the snapshot was trained on .* this run trains on .*its users' ids match/,
  );
  // Refused before the run folder is written.
  const dir = path.join(tmp('init'), 'refused');
  await assert.rejects(train(tinyConfig(world, { initFrom: source, userCond: 'label' }), dir), /--user-cond/);
  await assert.doesNotReject(train(tinyConfig(world, { iterations: 1 }), dir), 'the folder was left free');
});

test('pfd train --init-from: a usage error for a missing snapshot; it cannot change a resumed run; pfd compare refuses it', async () => {
  const r = await quietly(() =>
    main(['train', '--data', world, '--init-from', path.join(world, 'nope'), '--out', path.join(tmp('init'), 'x')]),
  );
  assert.equal(r.result, 2);
  assert.match(r.err, /--init-from .*nope: not found/);
  const resumed = await quietly(() => main(['train', '--resume', path.dirname(source), '--init-from', source]));
  assert.equal(resumed.result, 2);
  assert.match(resumed.err, /only --iterations, --minutes/);
  const cfg = path.join(tmp('init'), 'compare.json');
  writeFileSync(cfg, JSON.stringify({ initFrom: source }));
  const c = await quietly(() =>
    main(['compare', '--data', world, '--iterations', '1', '--config', cfg, '--out', path.join(tmp('init'), 'cmp')]),
  );
  assert.equal(c.result, 2);
  assert.match(c.err, /initFrom \(a warm start\) has no place in a comparison/);
});

test("a snapshot of the paper's G warm-starts a model with colour modes (fresh mode offsets and head, a note); a snapshot with modes needs the same number", async () => {
  const withModes = (k: number, initFrom = source) =>
    tinyConfig(world, { initFrom, model: { ...tinyConfig(world).model, colourModes: k } });
  const init = checkInitSnapshot(withModes(3), users);
  assert.match(init.notes.join(), /the snapshot's G has no colour modes; this run's \(colour 3\) start as random offsets/);
  const model = buildModel(withModes(3), users.length);
  try {
    loadInitSnapshot(model, init);
    const want = snapshot(source);
    for (const [k, t] of model.stateDict()) {
      if (k.includes('mode_embedding') || k.includes('mode_prior')) assert.ok(!want.has(k), k);
      else assert.deepEqual(values(t), want.get(k), k);
    }
  } finally {
    model.dispose();
  }
  const dir = path.join(tmp('init'), 'modes');
  await train(tinyConfig(world, { iterations: 1, model: { ...tinyConfig(world).model, colourModes: 3 } }), dir);
  const moded = path.join(dir, 'model.safetensors');
  assert.throws(
    () => checkInitSnapshot(withModes(2, moded), users),
    /trained with colour modes "colour 3", this run has "colour 2" \(--colour-modes\)/,
  );
  assert.throws(() => checkInitSnapshot(tinyConfig(world, { initFrom: moded }), users), /colour modes "colour 3", this run has "1"/);
  assert.deepEqual(checkInitSnapshot(withModes(3, moded), users).notes, []);
});
