// The pfd command line: data make / inspect, and clear errors for bad use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [],
    err: string[] = [];
  const [log, error, write] = [console.log, console.error, process.stderr.write.bind(process.stderr)];
  console.log = (...a: unknown[]) => {
    out.push(a.join(' '));
  };
  console.error = (...a: unknown[]) => {
    err.push(a.join(' '));
  };
  process.stderr.write = ((s: string) => {
    err.push(String(s));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}

test('data make writes a world; data inspect prints its statistics and a contact sheet', async () => {
  const dir = path.join(tmp('cli'), 'world');
  const made = await run([
    'data',
    'make',
    '--users',
    '3',
    '--tops',
    '400',
    '--bottoms',
    '400',
    '--train-per-user',
    '48',
    '--test-per-user',
    '8',
    '--no-classifier',
    '--out',
    dir,
  ]);
  assert.equal(made.code, 0, made.err);
  assert.match(made.out, /world 'demo' \(seed 1\): 3 users, 800 items, 168 outfits, 64x64/);
  for (const f of ['manifest.jsonl', 'world.json', 'images/t000000.png']) assert.ok(existsSync(path.join(dir, f)), f);
  const seen = await run(['data', 'inspect', dir]);
  assert.equal(seen.code, 0, seen.err);
  assert.match(seen.out, /users 3, tops \d+, bottoms \d+/);
  assert.match(seen.out, /outfits: train 144, test 24/);
  assert.ok(existsSync(path.join(dir, 'contact-sheet.png')));
});

test('bad use gets one clear message and a usage exit code', async () => {
  const dir = tmp('cli-bad');
  const cases: [string[], RegExp, number][] = [
    [['data', 'make', '--preset', 'huge', '--out', dir], /unknown preset 'huge' \(expected demo or paper\)/, 2],
    [['data', 'make'], /needs --out DIR/, 2],
    [['data', 'make', '--out', dir, '--users', '2.5'], /--users must be a positive integer, got '2.5'/, 2],
    [['data', 'make', '--out', dir, '--users', '-3'], /Option '--users' argument is ambiguous/, 2],
    [['data', 'make', '--out', dir, '--colour', 'red'], /Unknown option '--colour'/, 2],
    [['data', 'inspect', path.join(dir, 'nothing-here')], /manifest\.jsonl: manifest not found/, 1],
    [['data', 'inspect'], /takes one dataset folder/, 2],
    [['data', 'explode'], /unknown command 'data explode'/, 2],
  ];
  for (const [argv, re, code] of cases) {
    const r = await run(argv);
    assert.equal(r.code, code, argv.join(' '));
    assert.match(r.err, re, argv.join(' '));
  }
  mkdirSync(path.join(dir, 'full'));
  writeFileSync(path.join(dir, 'full', 'keep.txt'), 'precious');
  const r = await run(['data', 'make', '--out', path.join(dir, 'full'), '--no-classifier']);
  assert.equal(r.code, 2);
  assert.match(r.err, /exists and is not empty: choose another --out, or pass --force/);
  assert.ok(existsSync(path.join(dir, 'full', 'keep.txt')), 'nothing was lost');
});

test('data make takes size knobs; data inspect reads the Polyvore layouts too', async () => {
  const dir = path.join(tmp('cli-knobs'), 'w');
  const made = await run([
    'data',
    'make',
    '--users',
    '2',
    '--train-per-user',
    '5',
    '--test-per-user',
    '2',
    '--tops',
    '30',
    '--bottoms',
    '20',
    '--size',
    '32',
    '--no-classifier',
    '--out',
    dir,
  ]);
  assert.equal(made.code, 0, made.err);
  assert.match(made.out, /2 users, 50 items, 14 outfits, 32x32/);
  const tooMany = await run(['data', 'make', '--users', '2', '--train-per-user', '30000', '--no-classifier', '--out', path.join(dir, 'x')]);
  assert.equal(tooMany.code, 2);
  assert.match(tooMany.err, /outfits per user need a candidate pool/);
  const { makePolyvoreU, makePolyvoreOutfits } = await import('../data/fixtures.js');
  const pvu = await run(['data', 'inspect', await makePolyvoreU(), '--format', 'polyvore-u', '--set', '53']);
  assert.equal(pvu.code, 0, pvu.err);
  assert.match(pvu.out, /users 3, tops 3, bottoms 3/);
  const pvo = await run(['data', 'inspect', await makePolyvoreOutfits(), '--format', 'polyvore-outfits']);
  assert.equal(pvo.code, 0, pvo.err);
  assert.match(pvo.out, /users 1, tops 2, bottoms 2/);
  const bad = await run(['data', 'inspect', dir, '--format', 'csv']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown --format 'csv'/);
});

test('--help prints the usage on stdout with status 0; no command is a usage error (status 2)', async () => {
  for (const argv of [['--help'], ['-h'], ['train', '--help']]) {
    const r = await run(argv);
    assert.equal(r.code, 0, argv.join(' '));
    assert.match(r.out, /pfd train --data PATH/);
  }
  const none = await run([]);
  assert.equal(none.code, 2);
  assert.match(none.err, /pfd train --data PATH/);
});
