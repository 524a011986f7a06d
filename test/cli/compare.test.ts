// `pfd compare` end to end on a tiny world: two models trained alike, one report
// with Table 2 and Fig. 4's votes; run again, it reuses what is finished and
// resumes what is not.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { tmp } from '../data/fixtures.js';
import { writeFileSync } from 'node:fs';
import { TINY_MODEL, tinyWorldWithOracle } from '../train/fixtures.js';
import { compareCommand } from '../../src/cli/compare.js';

let world = '',
  config = '';
before(async () => {
  world = await tinyWorldWithOracle();
  config = path.join(tmp('compare'), 'tiny.json');
  writeFileSync(config, JSON.stringify({ model: TINY_MODEL, batchSize: 4, sampleQueries: 2, sampleUsers: 2, evalEvery: 0 }));
});

const lines = (f: string) => readFileSync(f, 'utf8').trim().split('\n').length;

test('pfd compare trains, evaluates and votes; a second call reuses and resumes', async () => {
  const out = path.join(tmp('compare'), 'cmp');
  const args = ['--data', world, '--config', config, '--models', 'designer,pix2pix', '--n', '12', '--out', out];
  await compareCommand([...args, '--iterations', '2']);
  for (const m of ['designer', 'pix2pix']) assert.ok(existsSync(path.join(out, 'runs', m, 'model.safetensors')), m);
  const report = readFileSync(path.join(out, 'report', 'report.md'), 'utf8');
  assert.match(report, /## Table 2/);
  assert.match(report, /## Pairwise votes \(Fig\. 4 without people\)/);
  const votes = JSON.parse(readFileSync(path.join(out, 'report', 'fig4-votes.json'), 'utf8')) as {
    against: string;
    cases: number;
    share: number;
    ci95: [number, number];
  }[];
  assert.deepEqual(
    votes.map((v) => v.against),
    ['pix2pix'],
  );
  for (const v of votes) {
    assert.equal(v.cases, 12);
    assert.ok(v.ci95[0] <= v.share && v.share <= v.ci95[1]);
  }
  // Same budget again: nothing trains (the metrics files do not grow).
  const before = lines(path.join(out, 'runs', 'designer', 'metrics.jsonl'));
  await compareCommand([...args, '--iterations', '2']);
  assert.equal(lines(path.join(out, 'runs', 'designer', 'metrics.jsonl')), before);
  // A larger budget resumes each run where it stopped.
  await compareCommand([...args, '--iterations', '3']);
  const iters = readFileSync(path.join(out, 'runs', 'pix2pix', 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { iteration: number; phase?: string })
    .filter((m) => m.phase !== 'eval')
    .map((m) => m.iteration);
  assert.deepEqual(iters, [1, 2, 3]);
});

test('pfd compare refuses unknown models, both or neither budget, and a missing --out', async () => {
  await assert.rejects(
    compareCommand(['--data', world, '--iterations', '1', '--models', 'designer,gan9', '--out', 'x']),
    /unknown model gan9/,
  );
  await assert.rejects(compareCommand(['--data', world, '--iterations', '1', '--budget', '2', '--out', 'x']), /exactly one of --budget/);
  await assert.rejects(compareCommand(['--data', world, '--out', 'x']), /exactly one of --budget/);
  await assert.rejects(compareCommand(['--data', world, '--iterations', '1']), /needs --out/);
});
