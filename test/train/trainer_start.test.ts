// How a run starts: one user in the data trains with kind-1 negatives only (said
// once), and a start that fails leaves nothing in --out to block the retry.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { train } from '../../src/train/trainer.js';
import { loadDataset } from '../../src/data/load.js';
import { tmp } from '../data/fixtures.js';
import { tinyConfig, tinyWorld } from './fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorld();
});

test('one user: kind-1 negatives only, said once, and the run trains', async () => {
  const users = loadDataset({ path: world, format: 'manifest', skipBad: false }).users;
  const notes: string[] = [];
  const run = path.join(tmp('one-user'), 'run');
  const r = await train(
    tinyConfig(world, { iterations: 2, data: { path: world, format: 'manifest', excludeUsers: users.slice(1) } }),
    run,
    { events: { onNote: (m) => notes.push(m) } },
  );
  assert.equal(r.iteration, 2);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /one user in the data: every negative is a random complement \(kind 1\)/);
});

test('a start that fails (missing data) leaves --out as it was, so the retry is not refused', async () => {
  const run = path.join(tmp('failed-start'), 'run');
  await assert.rejects(train(tinyConfig(path.join(world, 'nowhere')), run));
  assert.ok(!existsSync(run) || readdirSync(run).length === 0, 'nothing written');
  const r = await train(tinyConfig(world, { iterations: 1 }), run);
  assert.equal(r.iteration, 1);
});
