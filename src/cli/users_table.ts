// Table 3 of the paper as a command: the held-out users' designs from a model
// trained on everyone ("joint") against those from a model trained without them
// whose theta_u were learned afterwards with everything else frozen ("new users").
//   pfd train --holdout-users u0020,u0021,u0022,u0023 ... --out runs/heldout
//   pfd train ... --out runs/joint           (same settings, every user)
//   pfd users table --joint runs/joint --heldout runs/heldout --users u0020,u0021,u0022,u0023
// Folds the users into the held-out run first when it does not know them yet
// (from the same dataset's training outfits), then evaluates both runs on the
// held-out users' test outfits only, and writes table3.{md,json}.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../torch/index.js';
import { readServingMetadata, RunDir } from '../run/run_dir.js';
import { readAddedUsers } from '../users/added_users.js';
import { addUsersToRun } from '../users/add_users.js';
import type { FoldInOptions } from '../users/fold_in.js';
import { DEFAULT_EVAL, evaluateRun, type RunEvaluation } from '../eval/evaluate.js';
import { METRICS, type MetricKey } from '../eval/metric_registry.js';
import { phasedProgress } from './progress.js';
import { UsageError } from './errors.js';
import { datasetOutfits } from './dataset_outfits.js';

export interface NewUsersTableOptions {
  joint: string;
  heldout: string;
  users: string[];
  maxOutfits?: number; // per new user for the fold-in (default: all their training outfits)
  n: number; // test cases evaluated per run
  out?: string;
  device: T.Device;
  seed: number;
  foldIn?: Partial<FoldInOptions>;
}

const ROWS: MetricKey[] = [
  'is_domain',
  'fid_domain',
  'opposite_ssim',
  'compat_auc',
  'oracle_taste',
  'oracle_personal',
  'oracle_compat',
  'oracle_category',
];

export async function newUsersTable(o: NewUsersTableOptions): Promise<void> {
  const joint = new RunDir(o.joint),
    held = new RunDir(o.heldout);
  const jm = readServingMetadata(joint.model),
    hm = readServingMetadata(held.model);
  for (const u of o.users) {
    if (!jm.users.includes(u))
      throw new UsageError(`--joint ${joint.dir} was not trained with user '${u}': the joint model must know every user`);
    if (hm.users.includes(u))
      throw new UsageError(`--heldout ${held.dir} was trained with user '${u}': train it with --holdout-users ${o.users.join(',')}`);
  }
  // Fold the users in unless this snapshot already has them all (none or all: a partial set is ambiguous).
  const added = readAddedUsers(held, hm.iteration);
  const known = new Set(added.flatMap((a) => a.users));
  for (const a of added) T.dispose([a.theta, ...a.histories.values()]);
  const have = o.users.filter((u) => known.has(u));
  let foldNote = `already in ${path.relative(process.cwd(), held.dir)} (added before)`;
  if (have.length === 0) {
    const spec = { ...hm.config.data, excludeUsers: undefined };
    const outfits = datasetOutfits(spec, o.users, 'train', o.maxOutfits, o.seed);
    const progress = phasedProgress();
    try {
      const r = await addUsersToRun(held.dir, outfits, {
        ...o.foldIn,
        device: o.device,
        seed: o.seed,
        source: `${spec.path} (train${o.maxOutfits ? `, at most ${o.maxOutfits} outfits each` : ''})`,
        onProgress: progress.update,
      });
      foldNote = `${JSON.stringify({ steps: r.options.steps, l2: r.options.l2, start: r.options.start })}, learned in ${(r.foldSeconds * 1000).toFixed(0)} ms (${((r.foldSeconds * 1000) / r.users.length).toFixed(1)} ms per user, ${Object.values(r.outfits).join('/')} outfits), ${path.relative(held.dir, r.file)}`;
    } finally {
      progress.stop();
    }
  } else if (have.length !== o.users.length) {
    throw new UsageError(
      `${held.dir} already has ${have.join(', ')} but not ${o.users.filter((u) => !known.has(u)).join(', ')}: add the rest with 'pfd users add' first`,
    );
  }
  console.log(`new users ${o.users.join(', ')}: ${foldNote}`);

  const results: RunEvaluation[] = [];
  for (const dir of [joint.dir, held.dir]) {
    const progress = phasedProgress();
    try {
      const ev = await evaluateRun(dir, {
        ...DEFAULT_EVAL,
        n: o.n,
        seed: o.seed,
        fanoutQueries: 8,
        fanoutUsers: 8,
        ssimPairs: 500,
        users: o.users,
        device: o.device,
        onProgress: (p, a, b) => progress.update(`${path.basename(dir)}: ${p}`, a, b),
      });
      results.push(ev.result);
      ev.dispose();
    } finally {
      progress.stop();
    }
  }
  const [a, b] = results as [RunEvaluation, RunEvaluation];
  const fmt = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(4));
  const rows = ROWS.filter((k) => a.metrics[k] && b.metrics[k]).map((k) => {
    const x = a.metrics[k]!.value,
      y = b.metrics[k]!.value;
    return {
      metric: k,
      label: METRICS[k].label,
      better: METRICS[k].better,
      joint: x,
      new_users: y,
      ratio: y / x,
      real: a.metrics[k]!.real,
    };
  });
  const md = [
    `# New users without retraining (Table 3)`,
    '',
    `Users ${o.users.join(', ')}: their test outfits only (${a.samples.designs} designs per model).`,
    `- joint: \`${a.run}\` (trained with them, iteration ${a.iteration})`,
    `- new users: \`${b.run}\` (trained without them, iteration ${b.iteration}; theta_u ${foldNote})`,
    '',
    '| metric | better | joint | new users | new / joint | real |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.label} | ${r.better} | ${fmt(r.joint)} | ${fmt(r.new_users)} | ${fmt(r.ratio)} | ${fmt(r.real)} |`),
    '',
  ].join('\n');
  const out = path.resolve(o.out ?? path.join(held.dir, 'eval'));
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'table3.md'), md);
  writeFileSync(
    path.join(out, 'table3.json'),
    JSON.stringify({ users: o.users, fold_in: foldNote, joint: a, new_users: b, rows }, null, 2) + '\n',
  );
  console.log(md);
  console.log(`written: ${path.join(out, 'table3.md')}, table3.json`);
}
