// `pfd users add|list|table`: users who join after training (section 4.4, Table 3).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as T from '../torch/index.js';
import { addUsersToRun, type NewUserOutfit } from '../users/add_users.js';
import { DEFAULT_FOLD_IN, type FoldInOptions } from '../users/fold_in.js';
import { readAddedUsers } from '../users/added_users.js';
import { RunDir, readServingMetadata } from '../run/run_dir.js';
import { DATASET_FORMATS, type DatasetSpec } from '../data/load.js';
import type { DatasetSplit } from '../data/manifest.js';
import { phasedProgress } from './progress.js';
import { UsageError } from './errors.js';
import { newUsersTable } from './users_table.js';
import { datasetOutfits } from './dataset_outfits.js';

export const USERS_USAGE = `pfd users add --run DIR --users ID,ID,... (--data PATH [--format manifest|polyvore-u|polyvore-outfits] [--split train|val|test] | --outfits FILE.jsonl)
              [--max-outfits N] [--steps N] [--lr X] [--l2 X] [--start nearest|mean] [--seed N] [--device cpu|cuda]
pfd users list --run DIR
pfd users table --joint DIR --heldout DIR --users ID,ID,... [--max-outfits N] [--steps N] [--l2 X] [--start nearest|mean] [--n N] [--out DIR] [--device cpu|cuda]`;

const posInt = (name: string, v: string | undefined, fallback?: number): number | undefined => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  return n;
};

/** --steps, --lr, --l2, --start: the fold-in's settings (defaults: DEFAULT_FOLD_IN). */
function foldInFlags(v: { steps?: string; lr?: string; l2?: string; start?: string }): Partial<FoldInOptions> {
  const num = (name: string, x: string | undefined, fallback: number, positive: boolean) => {
    if (x === undefined) return fallback;
    const n = Number(x);
    if (!Number.isFinite(n) || n < 0 || (positive && n === 0))
      throw new UsageError(`--${name} must be a ${positive ? 'positive' : 'non-negative'} number, got '${x}'`);
    return n;
  };
  if (v.start !== undefined && v.start !== 'nearest' && v.start !== 'mean')
    throw new UsageError(`--start must be nearest or mean, got '${v.start}'`);
  return {
    steps: posInt('steps', v.steps, DEFAULT_FOLD_IN.steps)!,
    lr: num('lr', v.lr, DEFAULT_FOLD_IN.lr, true),
    l2: num('l2', v.l2, DEFAULT_FOLD_IN.l2, false),
    start: (v.start as FoldInOptions['start'] | undefined) ?? DEFAULT_FOLD_IN.start,
  };
}

const FOLD_IN_FLAGS = { steps: { type: 'string' }, lr: { type: 'string' }, l2: { type: 'string' }, start: { type: 'string' } } as const;

const idList = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A JSONL file of {"user", "top", "bottom"} lines, image paths relative to the file. */
function fileOutfits(file: string, users: string[]): NewUserOutfit[] {
  if (!existsSync(file)) throw new UsageError(`--outfits ${file}: file not found`);
  const dir = path.dirname(path.resolve(file));
  const out: NewUserOutfit[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch (e) {
        throw new UsageError(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`);
      }
      for (const k of ['user', 'top', 'bottom'])
        if (typeof o[k] !== 'string' || !o[k]) throw new UsageError(`${file}:${i + 1}: needs a string '${k}'`);
      const x = { user: o.user as string, top: path.resolve(dir, o.top as string), bottom: path.resolve(dir, o.bottom as string) };
      for (const f of [x.top, x.bottom]) if (!existsSync(f)) throw new UsageError(`${file}:${i + 1}: image ${f} not found`);
      if (!users.length || users.includes(x.user)) out.push(x);
    });
  for (const id of users) if (!out.some((x) => x.user === id)) throw new UsageError(`--users: '${id}' has no outfits in ${file}`);
  if (!out.length) throw new UsageError(`${file}: no outfits`);
  return out;
}

async function usersAdd(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      run: { type: 'string' },
      users: { type: 'string' },
      data: { type: 'string' },
      format: { type: 'string', default: 'manifest' },
      split: { type: 'string', default: 'train' },
      outfits: { type: 'string' },
      'max-outfits': { type: 'string' },
      seed: { type: 'string' },
      device: { type: 'string', default: 'cpu' },
      ...FOLD_IN_FLAGS,
    },
  });
  if (!v.run) throw new UsageError('pfd users add needs --run DIR');
  if (!!v.data === !!v.outfits)
    throw new UsageError("pfd users add needs the new users' outfits: --data PATH or --outfits FILE.jsonl (one of them)");
  const users = idList(v.users);
  if (v.data && !users.length) throw new UsageError('--data needs --users ID,ID,... (whose outfits to take)');
  if (!(DATASET_FORMATS as readonly string[]).includes(v.format!))
    throw new UsageError(`--format must be one of ${DATASET_FORMATS.join(', ')}, got '${v.format}'`);
  if (!['train', 'val', 'test'].includes(v.split!)) throw new UsageError(`--split must be train, val or test, got '${v.split}'`);
  const fold = foldInFlags(v);
  const seed = posInt('seed', v.seed, DEFAULT_FOLD_IN.seed)!,
    max = posInt('max-outfits', v['max-outfits']);
  const outfits = v.data
    ? datasetOutfits(
        { path: path.resolve(v.data), format: v.format as DatasetSpec['format'], skipBad: false },
        users,
        v.split as DatasetSplit,
        max,
        seed,
      )
    : fileOutfits(v.outfits!, users);
  const progress = phasedProgress();
  let r;
  try {
    r = await addUsersToRun(v.run, outfits, {
      ...fold,
      seed,
      device: T.parseDevice(v.device!),
      source: v.data ? `${path.resolve(v.data)} (${v.split}${max ? `, at most ${max} outfits each` : ''})` : path.resolve(v.outfits!),
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
  }
  console.log(
    `added ${r.users.length} user${r.users.length > 1 ? 's' : ''} to ${path.resolve(v.run)}: ${r.users.map((u) => `${u} (${r.outfits[u]} outfits)`).join(', ')}`,
  );
  console.log(
    `  theta_u learned in ${(r.foldSeconds * 1000).toFixed(0)} ms (${((r.foldSeconds * 1000) / r.users.length).toFixed(1)} ms per user; images read and encoded in ${r.encodeSeconds.toFixed(2)} s); BPR loss ${r.loss[0]!.toFixed(3)} -> ${r.loss[r.loss.length - 1]!.toFixed(3)}`,
  );
  console.log(
    `  each started from the trained user whose vector ranked their outfits best: ${r.users.map((u, i) => `${u} <- ${r.startUsers[i] || 'the mean'}`).join(', ')}`,
  );
  console.log(`  written to ${r.file}`);
}

async function usersList(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({ args: argv, strict: true, options: { run: { type: 'string' } } });
  if (!v.run) throw new UsageError('pfd users list needs --run DIR');
  const run = new RunDir(v.run);
  if (!existsSync(run.model)) throw new UsageError(`${run.dir} has no model.safetensors (not a trained run)`);
  const { users, iteration } = readServingMetadata(run.model);
  console.log(`${run.dir} (snapshot at iteration ${iteration}): ${users.length} trained users: ${users.join(', ')}`);
  for (const a of readAddedUsers(run, iteration)) {
    console.log(
      `  ${path.relative(run.dir, a.file)} (${a.metadata.date ?? '?'}): ${a.users.join(', ')}; outfits ${a.metadata.outfits ?? '?'}; from ${a.metadata.source ?? '?'}`,
    );
    T.dispose([a.theta, ...a.histories.values()]);
  }
}

async function usersTable(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      joint: { type: 'string' },
      heldout: { type: 'string' },
      users: { type: 'string' },
      'max-outfits': { type: 'string' },
      n: { type: 'string' },
      out: { type: 'string' },
      device: { type: 'string', default: 'cpu' },
      seed: { type: 'string' },
      ...FOLD_IN_FLAGS,
    },
  });
  if (!v.joint || !v.heldout)
    throw new UsageError('pfd users table needs --joint DIR (trained with every user) and --heldout DIR (trained without --users)');
  const users = idList(v.users);
  if (!users.length) throw new UsageError('pfd users table needs --users ID,ID,... (the held-out users)');
  await newUsersTable({
    joint: v.joint,
    heldout: v.heldout,
    users,
    maxOutfits: posInt('max-outfits', v['max-outfits']),
    n: posInt('n', v.n, 400)!,
    out: v.out,
    device: T.parseDevice(v.device!),
    seed: posInt('seed', v.seed, 1)!,
    foldIn: foldInFlags(v),
  });
}

export const USERS_COMMANDS = { 'users add': usersAdd, 'users list': usersList, 'users table': usersTable };
