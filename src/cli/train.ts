// `pfd train`: trains the designer (Algorithm 1) into a run folder, or resumes one.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import * as T from '../torch/index.js';
import { ConfigError, resolveConfig, type ConfigOverrides, type TrainConfig } from '../train/config.js';
import { NUMERIC_SETTINGS, numericUsage } from '../train/config_table.js';
import { choiceTermSettings, lossTerms, numericTermSettings } from '../train/terms/registry.js';
import { loadRecipe, recipeNames } from '../train/recipes.js';
import { RunDir } from '../run/run_dir.js';
import { train, type TrainResult } from '../train/trainer.js';
import { phasedProgress } from './progress.js';
import { modelVariant } from '../models/model_names.js';
import { IMAGE_SIZES, withImageSize } from '../models/presets.js';
import { UsageError } from './errors.js';
import {
  DEFAULT_MASTER_PORT,
  DEFAULT_TIMEOUT_S,
  LAUNCH_FLAGS,
  LaunchError,
  launchWorkers,
  rendezvousFromEnv,
} from '../distributed/launch.js';
import { ProcessGroup } from '../distributed/process_group.js';
import { DataParallel } from '../distributed/data_parallel.js';
import { gracefulStop } from './graceful_stop.js';
import { initSnapshotPath } from '../run/init_from.js';

/** --init-from's snapshot file, or a usage error naming the path. */
function initPath(p: string): string {
  try {
    return initSnapshotPath(p);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The usage text, with every registered loss term's settings. */
export const trainUsage =
  (): string => `pfd train --data PATH [--format manifest|polyvore-u|polyvore-outfits] [--set N] [--images DIR] [--version V] [--skip-bad] [--holdout-users ID,ID,...]
              [--model designer|designer-label|designer-no-theta|designer-no-gfm|pix2pix|pldt|discogan|mrcgan] [--recipe NAME|FILE.json] [--preset cpu|paper] [--config FILE.json] [--out DIR] [--task top2bottom|bottom2top|both]
              [--user-cond vector|label|none] [--gen-input-norm | --no-gen-input-norm] [--upsample transposed|nearest] [--image-size 64|128] [--pair-disc] [--colour-modes L [--colour-history A]] [--no-gen-compat-loss] [--gen-compat-scale none|positive-std]
              [--device cpu|cuda[:N]] [--precision fp32|bf16] [--init-from RUN_DIR|MODEL.safetensors] and the numeric settings (defaults before the preset's own):
${numericUsage(NUMERIC_SETTINGS)
  .help.map((l) => `            ${l}`)
  .join('\n')}
            Loss terms beyond the paper (each off at its default):
${lossTerms()
  .map(
    (t) =>
      `              ${t.name}: ${t.summary}\n${numericUsage(t.settings.filter((s) => !('choices' in s)) as never)
        .help.map((l) => `            ${l}`)
        .concat(
          t.settings
            .filter((s) => 'choices' in s)
            .map(
              (s) =>
                `              --${s.flag.padEnd(17)} ${s.help} (${(s as { choices: readonly string[] }).choices.join('|')}, default ${s.default})`,
            ),
        )
        .join('\n')}`,
  )
  .join('\n')}
            Recipes (recipes/*.json; flags override a recipe's settings): ${recipeNames().join(', ')}
pfd train --resume RUN_DIR [--iterations N] [--minutes X] [--precision fp32|bf16] [--eval-every N]
Data-parallel (either form; see docs/distributed.md):
  add  --nproc N [--nnodes M --node-rank R] [--master-addr HOST] [--master-port P] [--dist-timeout SECONDS] and --out DIR (or --resume DIR)
  or start each process with RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set (torchrun's variables)`;

const num = (name: string, v: string | undefined, int = false): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (int && !Number.isInteger(n)))
    throw new UsageError(`--${name} must be ${int ? 'an integer' : 'a number'}, got '${v}'`);
  return n;
};

/** parseArgs' options: the fixed flags and every registered term's settings (read at parse time, so a term registered at run time has its flags). */
const trainOptions = () =>
  ({
    data: { type: 'string' },
    format: { type: 'string' },
    set: { type: 'string' },
    images: { type: 'string' },
    version: { type: 'string' },
    'skip-bad': { type: 'boolean' },
    'holdout-users': { type: 'string' },
    model: { type: 'string' },
    preset: { type: 'string' },
    recipe: { type: 'string' },
    config: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'string' },
    task: { type: 'string' },
    'user-cond': { type: 'string' },
    'gen-input-norm': { type: 'boolean' },
    'no-gen-input-norm': { type: 'boolean' },
    upsample: { type: 'string' },
    'image-size': { type: 'string' },

    'pair-disc': { type: 'boolean' },
    'colour-modes': { type: 'string' },
    'colour-history': { type: 'string' },
    'no-gen-compat-loss': { type: 'boolean' },
    'gen-compat-scale': { type: 'string' },
    'init-from': { type: 'string' },
    device: { type: 'string' },
    precision: { type: 'string' },
    // The numeric settings' flags (src/train/config_table.ts), then every loss term's (src/train/terms/).
    ...(Object.fromEntries(NUMERIC_SETTINGS.map((s) => [s.flag, { type: 'string' }])) as Record<
      (typeof NUMERIC_SETTINGS)[number]['flag'],
      { type: 'string' }
    >),
    ...(Object.fromEntries([...numericTermSettings(), ...choiceTermSettings()].map((s) => [s.flag, { type: 'string' }])) as Record<
      string,
      { type: 'string' }
    >),
    nproc: { type: 'string' },
    nnodes: { type: 'string' },
    'node-rank': { type: 'string' },
    'master-addr': { type: 'string' },
    'master-port': { type: 'string' },
    'dist-timeout': { type: 'string' },
  }) as const;

/** argv without the launcher's flags (and their values): what each worker runs. */
function withoutLaunchFlags(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.startsWith('--') ? a.slice(2).split('=')[0]! : '';
    if ((LAUNCH_FLAGS as readonly string[]).includes(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: ReturnType<typeof trainOptions>; strict: true }>>['values'];

/** `--nproc` and friends: this process launches the workers and waits for them. */
async function launch(v: Values, argv: string[]): Promise<void> {
  const posInt = (name: string, x: string | undefined, d: number, min = 1): number => {
    if (x === undefined) return d;
    const n = Number(x);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${x}'`);
    return n;
  };
  const nproc = posInt('nproc', v.nproc, 1),
    nnodes = posInt('nnodes', v.nnodes, 1),
    nodeRank = posInt('node-rank', v['node-rank'], 0, 0);
  const masterPort = posInt('master-port', v['master-port'], DEFAULT_MASTER_PORT);
  if (masterPort > 65535) throw new UsageError(`--master-port must be 1-65535, got ${masterPort}`);
  if (nodeRank >= nnodes) throw new UsageError(`--node-rank ${nodeRank} must be below --nnodes ${nnodes}`);
  const timeoutS = v['dist-timeout'] === undefined ? DEFAULT_TIMEOUT_S : Number(v['dist-timeout']);
  if (!(timeoutS > 0)) throw new UsageError(`--dist-timeout must be a positive number of seconds, got '${v['dist-timeout']}'`);
  if (!v.out && !v.resume)
    throw new UsageError('data-parallel training needs --out DIR (or --resume DIR): every process must name the same run folder');
  if (process.env.RANK !== undefined)
    throw new UsageError('--nproc/--nnodes start workers; this process already is one (RANK is set): drop the flags or unset RANK');
  const code = await launchWorkers({ nproc, nnodes, nodeRank, masterAddr: v['master-addr'] ?? '127.0.0.1', masterPort, timeoutS }, [
    'train',
    ...withoutLaunchFlags(argv),
  ]);
  if (code !== 0) throw new Error(`a worker failed (exit code ${code}; its message is above): the run folder keeps its last checkpoint`);
}

function readConfigFile(file: string): ConfigOverrides {
  if (!existsSync(file)) throw new UsageError(`--config ${file}: file not found`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ConfigOverrides;
  } catch (e) {
    throw new UsageError(`--config ${file}: not valid JSON (${(e as Error).message})`);
  }
}

export async function trainCommand(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({ args: argv, options: trainOptions(), strict: true });
  if (LAUNCH_FLAGS.some((f) => v[f] !== undefined)) return launch(v, argv);
  let rendezvous;
  try {
    rendezvous = rendezvousFromEnv();
  } catch (e) {
    if (e instanceof LaunchError) throw new UsageError(e.message);
    throw e;
  }
  if (rendezvous && !v.out && !v.resume)
    throw new UsageError('data-parallel training needs --out DIR (or --resume DIR): every process must name the same run folder');
  let config: Readonly<TrainConfig>, out: string;
  const resume = v.resume !== undefined;
  try {
    if (resume) {
      const allowed = new Set(['resume', 'iterations', 'minutes', 'preset', 'precision', 'eval-every', ...LAUNCH_FLAGS]);
      const extra = Object.keys(v).filter((k) => !allowed.has(k) && v[k as keyof typeof v] !== undefined);
      if (extra.length)
        throw new UsageError(
          `--resume continues a run with its own config; only --iterations, --minutes, --precision and --eval-every may change (got --${extra.join(', --')})`,
        );
      out = path.resolve(v.resume!);
      const saved = new RunDir(out).readConfig();
      // Checkpoints hold float32 weights and optimizer state whatever the precision, so a run may
      // resume in another one (bit-exact only within one precision).
      // Runs from before a setting existed keep what they did then (fp32, no light evaluation).
      config = resolveConfig(saved.preset, {
        ...saved,
        precision: (v.precision ?? saved.precision ?? 'fp32') as TrainConfig['precision'],
        evalEvery: num('eval-every', v['eval-every'], true) ?? saved.evalEvery ?? 0,
        evalQueries: saved.evalQueries ?? 256,
        iterations: num('iterations', v.iterations, true) ?? saved.iterations,
        minutes: num('minutes', v.minutes) ?? saved.minutes,
      });
    } else {
      const flagValue = (flag: string) => (v as unknown as Record<string, string | undefined>)[flag];
      if (!v.data) throw new UsageError('pfd train needs --data PATH (a dataset; make the synthetic one with `pfd data make`)');
      const file = v.config ? readConfigFile(v.config) : {};
      const flags: ConfigOverrides = {
        data: {
          path: path.resolve(v.data),
          format: v.format as TrainConfig['data']['format'],
          set: v.set,
          images: v.images,
          version: v.version,
          skipBad: v['skip-bad'],
          excludeUsers:
            v['holdout-users'] === undefined
              ? undefined
              : v['holdout-users']
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
        },
        method: v.model as TrainConfig['method'],
        task: v.task as TrainConfig['task'],
        userCond: v['user-cond'] as TrainConfig['userCond'],
        genCompatLoss: v['no-gen-compat-loss'] ? false : undefined,
        genCompatScale: v['gen-compat-scale'] as TrainConfig['genCompatScale'],
        device: v.device,
        precision: v.precision as TrainConfig['precision'],
        initFrom: v['init-from'] === undefined ? undefined : initPath(v['init-from']),
        ...Object.fromEntries(
          [...NUMERIC_SETTINGS, ...numericTermSettings()].map((s) => [s.key, num(s.flag, flagValue(s.flag), 'int' in s && !!s.int)]),
        ),
        ...Object.fromEntries(choiceTermSettings().map((s) => [s.key, flagValue(s.flag)])),
      };
      const model: ConfigOverrides['model'] = {};
      if (v['pair-disc']) model.pairDiscriminator = true;
      if (v['colour-modes'] !== undefined) model.colourModes = num('colour-modes', v['colour-modes'], true);
      if (v['colour-history'] !== undefined) model.colourHistory = num('colour-history', v['colour-history'], false);
      if (v['gen-input-norm'] && v['no-gen-input-norm'])
        throw new UsageError('--gen-input-norm and --no-gen-input-norm contradict each other');
      // A recipe (recipes.ts) is the first layer over its preset; a config file and flags override it.
      const recipe = v.recipe === undefined ? null : loadRecipe(v.recipe);
      const preset = v.preset ?? recipe?.preset ?? 'cpu';
      const fromRecipe: ConfigOverrides = recipe
        ? { ...(recipe.settings as ConfigOverrides), recipe: { name: recipe.name, sha256: recipe.sha256 }, stages: recipe.stages }
        : {};
      if (v['gen-input-norm'] || v['no-gen-input-norm'])
        model.decoder = { ...resolveConfig(preset, fromRecipe, file).model.decoder, inputNorm: !!v['gen-input-norm'] };
      if (v.upsample !== undefined)
        model.decoder = {
          ...(model.decoder ?? resolveConfig(preset, fromRecipe, file).model.decoder),
          upsample: v.upsample as 'transposed' | 'nearest',
        };
      config = resolveConfig(preset, fromRecipe, file, flags, { model });
      if (v['image-size'] !== undefined) {
        // The paper's Fig. 3 at 128x128: the same layers, G's fc drawing 8x8 (presets.ts).
        const size = num('image-size', v['image-size'], true);
        if (!(IMAGE_SIZES as readonly number[]).includes(size!))
          throw new UsageError(`--image-size must be ${IMAGE_SIZES.join(' or ')}, got '${v['image-size']}'`);
        const { encoder, decoder, discriminator } = withImageSize(config.model, size!);
        config = resolveConfig(preset, fromRecipe, file, flags, { model: { ...model, encoder, decoder, discriminator } });
      }
      out = path.resolve(
        v.out ??
          path.join(
            'runs',
            `${config.method === 'designer' ? '' : `${config.method}-`}${config.preset}-${config.userCond}${config.genCompatLoss ? '' : '-nogfm'}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`,
          ),
      );
    }
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  if (config.device !== 'cpu' && !T.cudaAvailable())
    throw new UsageError(
      `--device ${config.device}: this libtorch build has no CUDA device (set LIBTORCH= to a CUDA libtorch and rebuild)`,
    );

  // A worker of a data-parallel group: meet the others (src/dist/).
  let dist: DataParallel | null = null;
  if (rendezvous) {
    if (config.device !== 'cpu')
      throw new UsageError(
        `data-parallel training runs on the CPU through Gloo; --device ${config.device} would need NCCL, which this addon does not build`,
      );
    dist = new DataParallel(await ProcessGroup.connect(rendezvous));
  }
  const quiet = !!dist && !dist.isWriter; // only rank 0 reports

  const stop = gracefulStop('stopping after this iteration and writing a checkpoint (Ctrl-C again to quit at once)');
  const loading = phasedProgress();
  let bar: cliProgress.SingleBar | null = null;
  let lastLog = 0,
    startIter = 0,
    t0 = 0;
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');
  const designer = modelVariant(config.method ?? 'designer')?.designer ?? false;
  let result: TrainResult;
  try {
    result = await train(config, out, {
      resume,
      signal: stop.signal,
      dist: dist ?? undefined,
      events: quiet
        ? {}
        : {
            onLoad: loading.update,
            onNote: (m) => {
              loading.stop();
              console.log(`note: ${m}`);
            },
            onStart: (s) => {
              loading.stop();
              console.log(
                `${s.resumed ? 'resuming' : 'training'} ${out} at iteration ${s.iteration}/${s.total}${dist ? ` on ${dist.worldSize} processes (batch ${config.batchSize / dist.worldSize} each)` : ''}: model ${config.method ?? 'designer'}, preset ${config.preset}, ` +
                  `${config.precision}, user conditioning ${config.userCond}${config.genCompatLoss ? '' : ', without L_G^FM'}, task ${config.task}, ${s.users} users, ${s.trainOutfits} training outfits, batch ${config.batchSize}` +
                  `${config.minutes ? `, budget ${config.minutes} min` : ''}`,
              );
              startIter = s.iteration;
              t0 = performance.now();
              if (process.stderr.isTTY) {
                bar = new cliProgress.SingleBar(
                  {
                    format: 'train [{bar}] {value}/{total} | {rate} it/s | ETA {eta_formatted} | {losses}',
                    stream: process.stderr,
                    hideCursor: true,
                    etaBuffer: 50,
                  },
                  cliProgress.Presets.shades_classic,
                );
                bar.start(s.total, s.iteration, { rate: '-', losses: '' });
              }
            },
            onEval: (i, f) => {
              const g = (k: string) => (typeof f[k] === 'number' ? (f[k] as number).toFixed(3) : '-');
              // The oracle's figures on a synthetic world; the label classifier's on real data with labels.
              const figures =
                'eval_label_category' in f
                  ? `category (labels) ${g('eval_label_category')}, colour taste ${g('eval_colour_taste')}`
                  : `category ${g('eval_category')}, compat ${g('eval_compat')}, own-query ${g('eval_own_query')}, taste ${g('eval_taste')}, personal win ${g('eval_personal_win')}`;
              const line = `  eval at iteration ${i} (${g('eval_seconds')} s): ${figures}, query SSIM ${g('eval_query_ssim')}, AUC/user ${g('eval_auc_per_user')}`;
              // Above the progress bar (it redraws itself on the next step).
              if (bar) process.stderr.write(`\r\x1b[K${line}\n`);
              else console.log(line);
            },
            onStep: (i, total, l) => {
              const rate = ((i - startIter) / ((performance.now() - t0) / 1000)).toFixed(2);
              // The designer's headline losses; a baseline's own (every loss it reports).
              const losses = designer
                ? `L_FM ${fmt(l.L_FM ?? NaN)}, L_D ${fmt(l.L_D ?? NaN)}, L_G ${fmt(l.L_G ?? NaN)} (adv ${fmt(l.L_G_adv ?? NaN)}, FM ${fmt(l.L_G_FM ?? NaN)}), batch AUC ${fmt(l.auc_batch ?? NaN)}`
                : Object.entries(l)
                    .filter(([k]) => k.startsWith('L_'))
                    .map(([k, x]) => `${k} ${fmt(x as number)}`)
                    .join(', ');
              if (bar) bar.update(i, { rate, losses });
              else if (i === total || performance.now() - lastLog > 30_000) {
                lastLog = performance.now();
                console.log(`  iteration ${i}/${total}, ${rate} it/s: ${losses}`);
              }
            },
          },
    });
  } finally {
    (bar as cliProgress.SingleBar | null)?.stop();
    loading.stop();
    stop.release();
    dist?.group.close();
  }
  if (quiet) return;
  const why = {
    done: 'finished',
    interrupted: 'interrupted: checkpoint written; continue with `pfd train --resume ' + out + '`',
    'time budget': `stopped at the ${config.minutes}-minute budget: checkpoint written; continue with \`pfd train --resume ${out} --minutes N\``,
  }[result.stopped];
  console.log(`${why} at iteration ${result.iteration}/${result.total} in ${result.seconds.toFixed(0)} s`);
  console.log(`  model: ${result.run.model}\n  samples: ${result.run.samples}\n  metrics: ${result.run.metrics}`);
}
