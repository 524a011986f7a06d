// c10d process groups across real processes: collectives, gradient averaging,
// the 2-vs-1 equivalence of data-parallel training, and failures that name the rank.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmp } from '../data/fixtures.js';
import { distributedAvailable } from '../../src/distributed/process_group.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const worker = path.join(here, 'worker.ts');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Outcome {
  code: number | null;
  lines: Record<string, unknown>[];
  stderr: string;
}

/** Runs `worldSize` workers of one mode; resolves with each rank's outcome. */
async function ranks(mode: string, worldSize: number, extra: string[] = [], timeoutS = 20): Promise<Outcome[]> {
  const port = await freePort();
  return Promise.all(
    Array.from(
      { length: worldSize },
      (_, rank) =>
        new Promise<Outcome>((resolve) => {
          const env = {
            ...process.env,
            RANK: String(rank),
            WORLD_SIZE: String(worldSize),
            MASTER_ADDR: '127.0.0.1',
            MASTER_PORT: String(port),
            PFD_DIST_TIMEOUT: String(timeoutS),
            PFD_THREADS: '1',
          };
          const p = spawn(process.execPath, ['--import', 'tsx', worker, mode, ...extra], { env, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '',
            err = '';
          p.stdout.on('data', (b: Buffer) => {
            out += b.toString();
          });
          p.stderr.on('data', (b: Buffer) => {
            err += b.toString();
          });
          p.on('exit', (code) =>
            resolve({
              code,
              stderr: err,
              lines: out
                .split('\n')
                .filter((l) => l.startsWith('{'))
                .map((l) => JSON.parse(l) as Record<string, unknown>),
            }),
          );
        }),
    ),
  );
}

const skip = distributedAvailable() ? false : 'the addon was built without Gloo headers (libgloo-dev)';

test('all-reduce, broadcast, gradient and buffer averaging across 2 ranks', { skip }, async () => {
  const out = await ranks('collectives', 2);
  for (const [rank, o] of out.entries()) {
    assert.equal(o.code, 0, o.stderr);
    assert.deepEqual(o.lines[0], { rank, sum: [3, 30, -2], bcast: [7, 8], grad: [2, 4], gradQ: [2], buf: [1, 1] });
  }
});

test('2 processes with batch 8 each train a small MLP exactly like 1 process with batch 16 (20 Adam steps)', { skip }, async () => {
  const dir = tmp('dist-tiny');
  const one = path.join(dir, 'one.json'),
    two = path.join(dir, 'two.json');
  const [a] = await ranks('tiny', 1, [one]);
  assert.equal(a!.code, 0, a!.stderr);
  const b = await ranks('tiny', 2, [two]);
  for (const o of b) assert.equal(o.code, 0, o.stderr);
  const x = JSON.parse(readFileSync(one, 'utf8')) as { losses: number[]; weights: number[][] };
  const y = JSON.parse(readFileSync(two, 'utf8')) as { losses: number[]; weights: number[][] };
  assert.ok(x.losses[19]! < x.losses[0]!, 'the MLP learns');
  let maxDiff = 0;
  x.weights.forEach((w, i) =>
    w.forEach((v, j) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - y.weights[i]![j]!));
    }),
  );
  x.losses.forEach((l, i) => assert.ok(Math.abs(l - y.losses[i]!) < 1e-5, `loss ${i}: ${l} vs ${y.losses[i]}`));
  assert.ok(maxDiff < 1e-5, `weights differ by ${maxDiff}`);
});

test('a rank that dies: the other stops with an error naming it', { skip }, async () => {
  const [r0, r1] = await ranks('die', 2, [], 10);
  assert.equal(r1!.code, 3);
  const o = r0!.lines[0]!;
  assert.equal(o.name, 'DistributedError');
  assert.match(o.error as string, /^rank 0: allReduce failed/);
  assert.match(o.error as string, /rank 1 did not respond/);
});

test('a rank that hangs: the other stops within the timeout, naming it', { skip }, async () => {
  const [r0] = await ranks('hang', 2, [], 3);
  const o = r0!.lines[0]!;
  assert.equal(o.name, 'DistributedError', JSON.stringify(o) + r0!.stderr);
  assert.match(o.error as string, /rank 1 did not respond/);
  assert.ok((o.seconds as number) < 3 + 5, `stopped after ${o.seconds} s`);
});
