// `pfd compare`: the paper's comparison in one command. Trains every chosen
// registered model on the same data with the same seed and budget (reusing
// finished runs and resuming unfinished ones, so the command itself resumes),
// evaluates them all on the same test cases, and writes one report: Table 2,
// the oracle's ranges, Fig. 4's pairwise votes (the first model against each
// other), Fig. 5 and the curves.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig, ConfigError, type ConfigOverrides, type TrainConfig } from '../train/config.js';
import { RunDir } from '../run/run_dir.js';
import { train } from '../train/trainer.js';
import { DEFAULT_EVAL, evaluateRun, type EvaluatedRun } from '../eval/evaluate.js';
import { writeReport } from '../eval/report.js';
import { modelNames, type ModelName } from '../models/model_names.js';
import { phasedProgress } from './progress.js';
import { UsageError } from './errors.js';
import { gracefulStop } from './graceful_stop.js';
export { COMPARE_USAGE } from './compare_usage.js';

/** A budget mode's iteration cap: the wall-clock budget stops the run first. */
const UNCAPPED = 10_000_000;

interface Plan {
  model: ModelName;
  dir: string;
  state: 'new' | 'resume' | 'done';
  at: number;
}

function status(dir: string, budget: { iterations?: number; minutes?: number }): Plan['state'] | { at: number; state: Plan['state'] } {
  if (!existsSync(path.join(dir, 'config.json'))) return 'new';
  const last = new RunDir(dir).latestCheckpoint();
  if (!last) return 'new';
  const s = JSON.parse(readFileSync(path.join(last, 'trainer.json'), 'utf8')) as { iteration: number; elapsedSeconds: number };
  const done = budget.iterations ? s.iteration >= budget.iterations : s.elapsedSeconds >= budget.minutes! * 60 - 1;
  return { at: s.iteration, state: done ? 'done' : 'resume' };
}

export async function compareCommand(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      budget: { type: 'string' },
      iterations: { type: 'string' },
      models: { type: 'string' },
      preset: { type: 'string', default: 'cpu' },
      seed: { type: 'string' },
      n: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
  });
  if (!v.data) throw new UsageError('pfd compare needs --data DIR');
  if (!v.out) throw new UsageError('pfd compare needs --out DIR (its runs and report go there; run the command again to resume)');
  if ((v.budget === undefined) === (v.iterations === undefined))
    throw new UsageError('pfd compare needs exactly one of --budget MINUTES (per model) or --iterations N');
  const minutes = v.budget === undefined ? undefined : Number(v.budget);
  const iterations = v.iterations === undefined ? undefined : Number(v.iterations);
  if (minutes !== undefined && !(minutes > 0)) throw new UsageError(`--budget must be a positive number of minutes, got '${v.budget}'`);
  if (iterations !== undefined && !(Number.isInteger(iterations) && iterations > 0))
    throw new UsageError(`--iterations must be a positive integer, got '${v.iterations}'`);
  const models = (v.models ?? modelNames().join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = models.filter((m) => !modelNames().includes(m));
  if (unknown.length)
    throw new UsageError(
      `--models: unknown model${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (registered: ${modelNames().join(', ')})`,
    );
  if (new Set(models).size !== models.length) throw new UsageError('--models lists a model twice');
  const seed = v.seed === undefined ? 1 : Number(v.seed);
  const n = v.n === undefined ? DEFAULT_EVAL.n : Number(v.n);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--n must be a positive integer, got '${v.n}'`);
  const out = path.resolve(v.out);
  const budget = { iterations, minutes };

  // A config file (JSON, as for pfd train) applies to every model, e.g. {"batchSize": 16}.
  let file: ConfigOverrides = {};
  if (v.config) {
    if (!existsSync(v.config)) throw new UsageError(`--config ${v.config}: file not found`);
    try {
      file = JSON.parse(readFileSync(v.config, 'utf8')) as ConfigOverrides;
    } catch (e) {
      throw new UsageError(`--config ${v.config}: not valid JSON (${(e as Error).message})`);
    }
    // Every model trains from scratch alike (a warm start would favour one of them).
    if ((file as { initFrom?: unknown }).initFrom != null)
      throw new UsageError(
        `--config ${v.config}: initFrom (a warm start) has no place in a comparison: every model trains from scratch alike`,
      );
  }
  // Every model's config, resolved (and checked) before anything trains.
  const configs = new Map<ModelName, Readonly<TrainConfig>>();
  for (const m of models as ModelName[]) {
    try {
      configs.set(
        m,
        resolveConfig(v.preset!, file, {
          method: m,
          data: { path: path.resolve(v.data) },
          seed,
          iterations: iterations ?? UNCAPPED,
          minutes: minutes ?? 0,
        }),
      );
    } catch (e) {
      throw e instanceof ConfigError ? new UsageError(`${m}: ${e.message}`) : e;
    }
  }
  const plans: Plan[] = (models as ModelName[]).map((model) => {
    const dir = path.join(out, 'runs', model);
    const s = status(dir, budget);
    return typeof s === 'string' ? { model, dir, state: s, at: 0 } : { model, dir, state: s.state, at: s.at };
  });
  console.log(
    `comparing ${models.length} models on ${v.data}, ${iterations ? `${iterations} iterations` : `${minutes} minutes`} each, seed ${seed}, into ${out}`,
  );
  for (const p of plans)
    console.log(
      `  ${p.model.padEnd(18)} ${p.state === 'new' ? 'to train' : p.state === 'done' ? `finished (iteration ${p.at}): reused` : `resumes at iteration ${p.at}`}`,
    );

  const stop = gracefulStop('stopping after this iteration with a checkpoint; run the same command again to go on');
  try {
    for (const p of plans.filter((x) => x.state !== 'done')) {
      const fresh = configs.get(p.model)!;
      // A resumed run keeps its own saved config; only the budget is the command's.
      const config =
        p.state === 'resume'
          ? resolveConfig(fresh.preset, { ...new RunDir(p.dir).readConfig(), iterations: fresh.iterations, minutes: fresh.minutes })
          : fresh;
      const loading = phasedProgress();
      let last = 0;
      const r = await train(config, p.dir, {
        resume: p.state === 'resume',
        signal: stop.signal,
        events: {
          onLoad: loading.update,
          onStart: (s) => {
            loading.stop();
            console.log(`${p.model}: ${s.resumed ? 'resuming' : 'training'} at iteration ${s.iteration}`);
          },
          onStep: (i, total) => {
            if (performance.now() - last > 30_000) {
              last = performance.now();
              console.log(`  ${p.model}: iteration ${i}${iterations ? `/${total}` : ''}`);
            }
          },
        },
      });
      loading.stop();
      console.log(
        `${p.model}: ${r.stopped === 'interrupted' ? 'interrupted' : 'trained'} at iteration ${r.iteration} (${r.seconds.toFixed(0)} s)`,
      );
      if (r.stopped === 'interrupted') return;
    }
  } finally {
    stop.release();
  }

  // The same test cases and seeds for every model; the first model is Fig. 4's reference.
  const done: EvaluatedRun[] = [];
  try {
    for (const p of plans) {
      const progress = phasedProgress();
      try {
        done.push(
          await evaluateRun(p.dir, { ...DEFAULT_EVAL, n, seed, onProgress: (ph, a, b) => progress.update(`${p.model}: ${ph}`, a, b) }),
        );
      } finally {
        progress.stop();
      }
      const m = done[done.length - 1]!.result.metrics;
      const f = (k: keyof typeof m) => (m[k] ? m[k]!.value.toFixed(3) : '-');
      console.log(
        `  ${p.model.padEnd(18)} IS ${f('is_domain')}, FID ${f('fid_domain')}, compat ${f('oracle_compat')}, own-query ${f('oracle_own_query')}, personal win ${f('oracle_personal')}`,
      );
    }
    const files = await writeReport(done, path.join(out, 'report'));
    console.log(`report: ${files.html}\n        ${files.markdown}\nmetrics: ${files.metrics}`);
  } finally {
    for (const r of done) r.dispose();
  }
}
