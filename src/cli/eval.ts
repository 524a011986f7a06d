// `pfd eval`: evaluates one or more trained runs and writes the report.
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as T from '../torch/index.js';
import { DEFAULT_EVAL, evaluateRun, type EvaluatedRun } from '../eval/evaluate.js';
import { writeReport } from '../eval/report.js';
import { METRICS, type MetricKey } from '../eval/metric_registry.js';
import { phasedProgress } from './progress.js';
import { UsageError } from './errors.js';

export const EVAL_USAGE = `pfd eval --run DIR [--run DIR ...] [--n N] [--out DIR] [--inception-weights FILE.safetensors] [--seed N] [--splits N]
              [--ssim-pairs N] [--fanout-queries N] [--fanout-users N] [--device cpu|cuda] [--precision fp32|bf16]
              [--colour-history A] [--judge] [--judge-iterations N]`;

const posInt = (name: string, v: string | undefined, fallback: number) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  return n;
};

const nonNegative = (name: string, v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number, got '${v}'`);
  return n;
};

function parsePrecisionFlag(v: string): T.Precision {
  try {
    return T.parsePrecision(v);
  } catch (e) {
    throw new UsageError(`--precision: ${(e as Error).message}`);
  }
}

export async function evalCommand(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      run: { type: 'string', multiple: true },
      n: { type: 'string' },
      out: { type: 'string' },
      'inception-weights': { type: 'string' },
      seed: { type: 'string' },
      splits: { type: 'string' },
      'ssim-pairs': { type: 'string' },
      'fanout-queries': { type: 'string' },
      'fanout-users': { type: 'string' },
      device: { type: 'string', default: 'cpu' },
      precision: { type: 'string' },
      'colour-history': { type: 'string' },
      judge: { type: 'boolean' },
      'judge-iterations': { type: 'string' },
    },
    strict: true,
  });
  const runs = v.run ?? [];
  if (!runs.length) throw new UsageError('pfd eval needs --run DIR (one or more)');
  const opts = {
    ...DEFAULT_EVAL,
    n: posInt('n', v.n, DEFAULT_EVAL.n),
    seed: posInt('seed', v.seed, DEFAULT_EVAL.seed),
    splits: posInt('splits', v.splits, DEFAULT_EVAL.splits),
    ssimPairs: posInt('ssim-pairs', v['ssim-pairs'], DEFAULT_EVAL.ssimPairs),
    fanoutQueries: posInt('fanout-queries', v['fanout-queries'], DEFAULT_EVAL.fanoutQueries),
    fanoutUsers: posInt('fanout-users', v['fanout-users'], DEFAULT_EVAL.fanoutUsers),
    inceptionWeights: v['inception-weights'],
    device: T.parseDevice(v.device!),
    precision: v.precision === undefined ? undefined : parsePrecisionFlag(v.precision),
    colourHistory: v['colour-history'] === undefined ? undefined : nonNegative('colour-history', v['colour-history']),
    judge: v.judge ?? false,
    judgeIterations: v['judge-iterations'] === undefined ? undefined : posInt('judge-iterations', v['judge-iterations'], 1),
  };
  const out = path.resolve(
    v.out ??
      (runs.length === 1
        ? path.join(runs[0]!, 'eval')
        : path.join('runs', `eval-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`)),
  );
  const done: EvaluatedRun[] = [];
  try {
    for (const dir of runs) {
      const progress = phasedProgress();
      try {
        done.push(await evaluateRun(dir, { ...opts, onProgress: (p, a, b) => progress.update(`${path.basename(dir)}: ${p}`, a, b) }));
      } finally {
        progress.stop();
      }
      const r = done[done.length - 1]!.result;
      console.log(
        `${r.name} (iteration ${r.iteration}): ${r.samples.designs} designs evaluated in ${Object.values(r.seconds)
          .reduce((a, b) => a + b, 0)
          .toFixed(1)} s`,
      );
      for (const [k, m] of Object.entries(r.metrics) as [MetricKey, NonNullable<(typeof r.metrics)[MetricKey]>][]) {
        const d = METRICS[k];
        console.log(
          `  ${d.label.padEnd(26)} ${m.value.toFixed(4)}${m.std !== undefined ? ` ± ${m.std.toFixed(4)}` : ''}${m.real !== undefined ? `   (real: ${m.real.toFixed(4)})` : ''}`,
        );
        if (k === 'compat_auc' && m.details) {
          console.log(
            `  ${''.padEnd(26)} per user vs kind-1 negatives alone ${Number(m.details.auc_kind1_per_user).toFixed(4)}; ` +
              `pooled over users: vs kind-1 ${Number(m.details.auc_kind1).toFixed(4)}, kind-2 ${Number(m.details.auc_kind2).toFixed(4)}, both ${Number(m.details.auc_both).toFixed(4)}`,
          );
        }
        if (k === 'oracle_m_pick' && m.details) {
          console.log(
            `  ${''.padEnd(26)} M's picks: taste ${Number(m.details.taste).toFixed(4)}, personal win ${Number(m.details.personal_win).toFixed(4)}, own-query ${Number(m.details.own_query).toFixed(4)} ` +
              `(their own attributes: compat ${Number(m.details.exact_compat).toFixed(4)}, taste ${Number(m.details.exact_taste).toFixed(4)}, personal win ${Number(m.details.exact_personal_win).toFixed(4)}, own-query ${Number(m.details.exact_own_query).toFixed(4)})`,
          );
        }
        const range = (['random_item', 'best_item', 'chance'] as const)
          .filter((x) => typeof m.details?.[x] === 'number')
          .map((x) => `${x.replace('_', ' ')} ${Number(m.details![x]).toFixed(4)}`);
        if (range.length) console.log(`  ${''.padEnd(26)} range: ${range.join(', ')}`);
        if (m.note) console.log(`  ${''.padEnd(26)} note: ${m.note}`);
      }
    }
    const files = await writeReport(done, out);
    console.log(`report: ${files.html}\n        ${files.markdown}\nmetrics: ${files.metrics}`);
  } finally {
    for (const r of done) r.dispose();
  }
}
