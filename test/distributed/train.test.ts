// `pfd train --nproc 2` end to end on a tiny world: rank 0 writes the run folder,
// the run resumes with the same world size, and bad launcher flags are refused.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmp } from '../data/fixtures.js';
import { TINY_MODEL, tinyWorld } from '../train/fixtures.js';
import { distributedAvailable } from '../../src/distributed/process_group.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = distributedAvailable() ? false : 'the addon was built without Gloo headers (libgloo-dev)';
let world = '',
  config = '';

before(async () => {
  world = await tinyWorld();
  config = path.join(tmp('dist-train'), 'tiny.json');
  writeFileSync(
    config,
    JSON.stringify({ model: TINY_MODEL, batchSize: 4, checkpointEvery: 2, sampleEvery: 2, sampleQueries: 2, sampleUsers: 2, evalEvery: 0 }),
  );
});

const pfd = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/pfd.ts'), 'train', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PFD_THREADS: '1' },
  });
const port = () => String(30_000 + Math.floor(Math.random() * 20_000));
const iterations = (run: string) =>
  readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { iteration: number; phase?: string })
    .filter((m) => m.phase === 'algorithm1')
    .map((m) => m.iteration);

test('pfd train --nproc 2 trains, writes from rank 0 only, and resumes', { skip }, () => {
  const run = path.join(tmp('dist-train'), 'run');
  const a = pfd(['--data', world, '--config', config, '--iterations', '3', '--out', run, '--nproc', '2', '--master-port', port()]);
  assert.equal(a.status, 0, a.stdout + a.stderr);
  assert.match(a.stdout, /on 2 processes \(batch 2 each\)/);
  assert.deepEqual(iterations(run), [1, 2, 3]);
  assert.ok(existsSync(path.join(run, 'model.safetensors')));
  const b = pfd(['--resume', run, '--iterations', '5', '--nproc', '2', '--master-port', port()]);
  assert.equal(b.status, 0, b.stdout + b.stderr);
  assert.match(b.stdout, /resuming .* at iteration 3\/5 on 2 processes/);
  assert.deepEqual(iterations(run), [1, 2, 3, 4, 5]);
});

test('launcher flags: a batch that does not split, no --out, a bad node rank', { skip }, () => {
  const odd = pfd([
    '--data',
    world,
    '--config',
    config,
    '--batch',
    '3',
    '--iterations',
    '1',
    '--out',
    path.join(tmp('dist-train'), 'odd'),
    '--nproc',
    '2',
    '--master-port',
    port(),
  ]);
  assert.notEqual(odd.status, 0);
  assert.match(odd.stderr, /batch 3 cannot be split evenly over 2 processes/);
  const noOut = pfd(['--data', world, '--nproc', '2']);
  assert.equal(noOut.status, 2, noOut.stderr);
  assert.match(noOut.stderr, /needs --out DIR/);
  const node = pfd(['--data', world, '--out', 'x', '--nnodes', '2', '--node-rank', '2']);
  assert.equal(node.status, 2);
  assert.match(node.stderr, /--node-rank 2 must be below --nnodes 2/);
});
