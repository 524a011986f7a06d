// Data-parallel training on this machine: scaling and equivalence.
//   npm run bench -- distributed [--data runs/demo/world] [--iterations 20] [--batch 32]
// Trains the `cpu` preset from the same seed four ways, each `pfd train` for N iterations
// (no evaluation, no samples; one checkpoint at the end):
//   1p1t: 1 process, 1 thread         2p1t: 2 processes (--nproc 2), 1 thread each
//   1p2t: 1 process, 2 threads        (the same machine's cores used by threads instead)
// Scaling: samples/s = iterations x batch x designed categories / training seconds (the
// trainer's own clock, data loading excluded).
// Equivalence: 2p1t against 1p1t, per-iteration losses and final weights; 1p2t against 1p1t
// is the float noise of a mere change of reduction order, the yardstick for "float tolerance".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as T from '../src/torch/index.js';
import { writeResult } from './results.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'runs/demo/world' },
    iterations: { type: 'string', default: '20' },
    batch: { type: 'string', default: '32' },
  },
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const iterations = Number(values.iterations),
  batch = Number(values.batch);
const work = mkdtempSync(path.join(os.tmpdir(), 'pfd-dist-bench-'));

interface Run {
  name: string;
  seconds: number;
  losses: Record<string, number>[];
  weights: Map<string, Float32Array>;
}

function trainRun(name: string, threads: number, nproc: number): Run {
  const out = path.join(work, name);
  const args = [
    '--import',
    'tsx',
    path.join(root, 'src/cli/pfd.ts'),
    'train',
    '--data',
    values.data!,
    '--preset',
    'cpu',
    '--iterations',
    String(iterations),
    '--batch',
    String(batch),
    '--eval-every',
    '0',
    '--sample-every',
    '100000',
    '--checkpoint-every',
    '100000',
    '--out',
    out,
    ...(nproc > 1 ? ['--nproc', String(nproc), '--master-port', String(29_000 + Math.floor(Math.random() * 1000))] : []),
  ];
  console.log(`${name}: ${nproc} process${nproc > 1 ? 'es' : ''} x ${threads} thread${threads > 1 ? 's' : ''}`);
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, PFD_THREADS: String(threads) }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} failed:\n${r.stdout}\n${r.stderr}`);
  const ck = path.join(
    out,
    'checkpoints',
    readdirSync(path.join(out, 'checkpoints'))
      .filter((d) => d.startsWith('iter-'))
      .sort()
      .pop()!,
  );
  const state = JSON.parse(readFileSync(path.join(ck, 'trainer.json'), 'utf8')) as { elapsedSeconds: number };
  const losses = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>)
    .filter((m) => (m.phase as unknown) === 'algorithm1');
  const weights = new Map(
    T.tidy(() =>
      [...T.loadTensors(path.join(out, 'model.safetensors')).tensors].map(
        ([k, t]) => [k, new Float32Array(T.toDtype(t, 'float32').data() as Float32Array)] as const,
      ),
    ),
  );
  return { name, seconds: state.elapsedSeconds, losses, weights };
}

function compare(a: Run, b: Run): Record<string, number> {
  const keys = ['L_FM', 'L_D', 'L_G'];
  const out: Record<string, number> = {};
  for (const k of keys) {
    const d = a.losses.map((m, i) => Math.abs(m[k]! - b.losses[i]![k]!));
    out[`${k}_max_abs_diff`] = Math.max(...d);
    out[`${k}_at_1_abs_diff`] = d[0]!;
  }
  let maxAbs = 0,
    num = 0,
    den = 0;
  for (const [k, w] of a.weights) {
    const v = b.weights.get(k);
    if (!v) continue;
    for (let i = 0; i < w.length; i++) {
      const d = Math.abs(w[i]! - v[i]!);
      maxAbs = Math.max(maxAbs, d);
      num += d * d;
      den += w[i]! * w[i]!;
    }
  }
  out.weights_max_abs_diff = maxAbs;
  out.weights_relative_l2_diff = Math.sqrt(num / den);
  return out;
}

const runs = { '1p1t': trainRun('1p1t', 1, 1), '2p1t': trainRun('2p1t', 1, 2), '1p2t': trainRun('1p2t', 2, 1) };
const samples = iterations * batch * 2; // both tasks: one batch per designed category per iteration
const scaling = Object.fromEntries(
  Object.entries(runs).map(([k, r]) => [k, { seconds: +r.seconds.toFixed(2), samples_per_s: +(samples / r.seconds).toFixed(1) }]),
);
const figures = {
  iterations,
  batch,
  data: values.data,
  scaling,
  speedup_2p1t_over_1p1t: +(runs['1p1t'].seconds / runs['2p1t'].seconds).toFixed(2),
  speedup_1p2t_over_1p1t: +(runs['1p1t'].seconds / runs['1p2t'].seconds).toFixed(2),
  equivalence_2p1t_vs_1p1t: compare(runs['1p1t'], runs['2p1t']),
  float_noise_1p2t_vs_1p1t: compare(runs['1p1t'], runs['1p2t']),
};
console.log(JSON.stringify(figures, null, 2));
console.log(
  `written to ${writeResult('distributed', figures, `npm run bench -- distributed --data ${values.data} --iterations ${iterations} --batch ${batch}`)}`,
);
