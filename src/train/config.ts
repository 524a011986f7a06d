// Training configuration: preset -> config file -> flags, resolved once by
// resolveConfig() into a frozen object that is written to the run directory
// before training starts. Every hyperparameter of the paper is here.
import { IMAGE_SIZES, MODEL_PRESETS, type ModelPreset, type ModelPresetName } from '../models/presets.js';
import path from 'node:path';
import { USER_CONDS, type UserCond } from '../models/designer.js';
import type { Task } from '../data/sampler.js';
import { PRECISIONS, defaultPrecision, type Device, type Precision } from '../torch/index.js';
import type { StepOptions } from './terms/term.js';
import { ConfigError } from './config_error.js';
import { parseStages, type Stage } from './recipes.js';
import {
  choiceTermSettings,
  lossTerms,
  numericTermSettings,
  termDefaults,
  termSettings,
  type TermSettingValues,
} from './terms/registry.js';
import { DATASET_FORMATS, type DatasetSpec } from '../data/load.js';
import { modelNames, modelVariant, type ModelName } from '../models/model_names.js';
import { NUMERIC_SETTINGS, numericDefaults, numericProblem, type NumericSettings } from './config_table.js';

/** Every training setting; the numeric ones are declared by the table in config_table.ts. */
export interface TrainConfigBase {
  method: ModelName; // the registered model trained (`--model`): the paper's designer, an ablation or a baseline
  preset: ModelPresetName;
  model: ModelPreset;
  data: DatasetSpec;
  task: Task;
  userCond: UserCond;
  genCompatLoss: boolean;
  genCompatScale: GenCompatScale;
  betas: [number, number];
  scoreMomentum: number;
  keepCheckpoints: number;
  sampleQueries: number; // fixed test queries per designed category in sample grids
  sampleUsers: number; // fixed users in sample grids
  device: string;
  precision: Precision; // compute precision; default: bf16 where the CPU has bf16 matrix units, else fp32
  initFrom: string | null; // warm start: a serving snapshot whose weights the run begins with (init_from.ts); null = fresh weights
  recipe: { name: string; sha256: string } | null; // the recipe file the run was made from (recipes.ts), or none
  stages: Stage[]; // a schedule of stages (recipes.ts); empty: the config throughout
}

/**
 * Units of Eq. 11: 'none' = raw scores, as the paper prints it; 'positive-std' = scores
 * divided by max(1, the batch's spread of positive scores) (docs/training.md says why).
 */
export type GenCompatScale = 'none' | 'positive-std';
export const GEN_COMPAT_SCALES: readonly GenCompatScale[] = ['none', 'positive-std'];

export type TrainConfig = TrainConfigBase & NumericSettings & TermSettingValues;

const D = numericDefaults();
/** The paper's step settings, then every registered term's, at their defaults. */
export function defaultStepOptions(): StepOptions {
  return {
    nD: D.nD,
    lambda1: D.lambda1,
    lambda2: D.lambda2,
    lambda3: D.lambda3,
    l2: D.l2,
    genCompatLoss: true,
    genCompatScale: 'none',
    scoreMomentum: 0.01,
    ...termDefaults(),
  };
}
export const DEFAULT_STEP: StepOptions = defaultStepOptions();

const BASE = (): Omit<TrainConfig, 'preset' | 'model' | 'data'> => ({
  ...D,
  ...(defaultStepOptions() as TermSettingValues & StepOptions),
  method: 'designer',
  task: 'both',
  userCond: 'vector',
  betas: [0.5, 0.999],
  keepCheckpoints: 2,
  sampleQueries: 6,
  sampleUsers: 6,
  device: 'cpu',
  precision: 'fp32',
  initFrom: null,
  recipe: null,
  stages: [],
});

/**
 * Options retired because no measurement supported them (docs/experiments/ keeps their runs):
 * a saved config that holds one at its neutral value loads without it; any other value is refused.
 */
const RETIRED: Record<string, { neutral: unknown; flag: string }> = {
  msPool: { neutral: 1, flag: '--ms-pool' },
  diffAugment: { neutral: 'none', flag: '--diff-augment' },
  rankQueryShare: { neutral: 0.5, flag: '--rank-query-share' },
  designNegatives: { neutral: 0, flag: '--design-negatives' },
  modeColourMask: { neutral: 'design', flag: '--mode-colour-mask' },
  compatWarmup: { neutral: 0, flag: '--compat-warmup' },
  lrCompat: { neutral: 0, flag: '--lr-compat' },
  noiseSeeking: { neutral: 0, flag: '--noise-seeking' },
};
const RETIRED_MODEL: Record<string, { neutral: unknown; flag: string }> = {
  designModes: { neutral: 1, flag: '--design-modes' },
  userInit: { neutral: 'normal', flag: '--user-init' },
  noiseDim: { neutral: 0, flag: '--noise-dim' },
};

/** A saved config without its retired options (at their neutral values), or a ConfigError naming the first that is not. */
export function withoutRetired<C extends object>(saved: C): C {
  const c = { ...saved } as Record<string, unknown>;
  const drop = (o: Record<string, unknown>, table: typeof RETIRED) => {
    for (const [k, r] of Object.entries(table)) {
      if (!(k in o)) continue;
      if (o[k] !== undefined && o[k] !== r.neutral)
        throw new ConfigError(
          `this config uses ${r.flag} ${JSON.stringify(o[k])}, an option retired for want of a measurement that supported it (docs/experiments/); train with the commit that had it`,
        );
      delete o[k];
    }
  };
  drop(c, RETIRED);
  if (c.model && typeof c.model === 'object') {
    const model = { ...(c.model as Record<string, unknown>) };
    drop(model, RETIRED_MODEL);
    const enc = model.encoder as Record<string, unknown> | undefined;
    if (enc && 'centerCodes' in enc) {
      if (enc.centerCodes)
        throw new ConfigError(
          'this config uses --center-codes, an option retired for want of a measurement that supported it (docs/experiments/); train with the commit that had it',
        );
      const { centerCodes: _, ...rest } = enc;
      model.encoder = rest;
    }
    c.model = model;
  }
  return c as C;
}

/** Per-preset training defaults on top of BASE. */
export const TRAIN_PRESETS: Record<ModelPresetName, Partial<TrainConfig>> = {
  // The paper: batch 64, 25 epochs, Adam 2e-4, Eq. 11 in raw score units (section 4).
  paper: {},
  // Minutes on 2 cores: same algorithm, narrower nets, a smaller batch, a fixed iteration
  // count, and Eq. 11 in units of the positives' score spread (raw units let G fool F
  // with high-frequency noise within a few hundred iterations: docs/training.md).
  // Step (a) at the paper's rate: with G's input standardized and z_q taken in eval mode, G
  // follows F's moving codes (a quarter of the rate, needed before, only slowed the
  // compatibility discriminator: docs/training.md). A compatibility warm-up (--compat-warmup)
  // raises the AUC but, within the demo's budget, costs the designs their quality.
  cpu: { batchSize: 32, iterations: 600, checkpointEvery: 200, sampleEvery: 100, evalEvery: 100, genCompatScale: 'positive-std' },
};

export type ConfigOverrides = Partial<Omit<TrainConfig, 'model' | 'data'>> & {
  model?: Partial<ModelPreset>;
  data?: Partial<TrainConfig['data']>;
};

export { ConfigError };

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const TASKS: readonly Task[] = ['top2bottom', 'bottom2top', 'both'];

/** Preset defaults, then `overrides` (a config file's, then flags'), validated and frozen. */
export function resolveConfig(preset: string, ...overrides: ConfigOverrides[]): Readonly<TrainConfig> {
  if (!(preset in MODEL_PRESETS)) throw new ConfigError(`unknown preset '${preset}' (expected ${Object.keys(MODEL_PRESETS).join(' or ')})`);
  const p = preset as ModelPresetName;
  // The model's own defaults (an ablation's switch) come after the preset's, before any override.
  const method = overrides.reduce<string>((m, o) => o.method ?? m, 'designer');
  if (!modelVariant(method)) throw new ConfigError(`unknown model '${method}' (expected one of ${modelNames().join(', ')})`);
  const variant = modelVariant(method)!.defaults;
  const c = structuredClone({
    ...BASE(),
    ...TRAIN_PRESETS[p],
    ...variant,
    preset: p,
    model: MODEL_PRESETS[p],
    data: { path: '', format: 'manifest', skipBad: false },
  }) as TrainConfig;
  for (const o of overrides.map(withoutRetired)) {
    const { model, data, ...rest } = o;
    const known = new Set(Object.keys(c));
    for (const k of Object.keys(rest)) if (!known.has(k)) throw new ConfigError(`unknown config key '${k}'`);
    Object.assign(c, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    if (model) c.model = { ...c.model, ...structuredClone(model) };
    if (data) c.data = { ...c.data, ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) };
  }
  // A warm start's snapshot, as an absolute path (recorded so in the run's config.json).
  if (typeof c.initFrom === 'string' && c.initFrom !== '') c.initFrom = path.resolve(c.initFrom);
  // Unless given, the precision follows the device it trains on.
  if (!overrides.some((o) => o.precision !== undefined)) c.precision = defaultPrecision(c.device as Device);
  validate(c);
  return deepFreeze(c);
}

function validate(c: TrainConfig): void {
  const cfg = c as unknown as Record<string, unknown>;
  for (const row of [...NUMERIC_SETTINGS, ...numericTermSettings()]) {
    const problem = numericProblem(row, cfg[row.key]);
    if (problem) throw new ConfigError(problem);
  }
  for (const row of choiceTermSettings())
    if (!row.choices.includes(cfg[row.key] as string))
      throw new ConfigError(`${row.key} (--${row.flag}) must be one of ${row.choices.join(', ')}, got '${cfg[row.key]}'`);
  for (const k of ['keepCheckpoints', 'sampleQueries', 'sampleUsers'] as const)
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new ConfigError(`${k} must be a positive integer, got ${c[k]}`);
  if (!Number.isFinite(c.scoreMomentum) || c.scoreMomentum < 0)
    throw new ConfigError(`scoreMomentum must be a non-negative number, got ${c.scoreMomentum}`);
  const variant = modelVariant(c.method)!;
  for (const [k, v] of Object.entries(variant.defaults)) {
    if (c[k as keyof TrainConfig] !== v)
      throw new ConfigError(
        `model '${c.method}' is the designer with ${k} = ${JSON.stringify(v)}; it cannot be trained with ${k} = ${JSON.stringify(c[k as keyof TrainConfig])} (use --model designer for that)`,
      );
  }
  // Loss terms and their model parts are the designer's.
  const defaults = termDefaults();
  const termFlags = termSettings()
    .filter((s) => cfg[s.key] !== defaults[s.key])
    .map((s) => `--${s.flag}`);
  const modelFlags = [...(c.model.pairDiscriminator ? ['--pair-disc'] : []), ...((c.model.colourModes ?? 0) > 0 ? ['--colour-modes'] : [])];
  if (!variant.designer && (modelFlags.length || termFlags.length)) {
    throw new ConfigError(`${[...modelFlags, ...termFlags].join(', ')}: options of the designer, not of the baseline '${c.method}'`);
  }
  for (const t of lossTerms()) {
    const problem = t.validate?.(cfg, variant.designer);
    if (problem) throw new ConfigError(problem);
  }
  const colour = c.model.colourModes ?? 0;
  if (!Number.isInteger(colour) || colour < 0 || colour === 1 || colour > 6)
    throw new ConfigError(
      `model.colourModes (--colour-modes) must be 0 (off) or an integer from 2 to 6 (colour levels per channel), got ${JSON.stringify(c.model.colourModes)}`,
    );
  const history = c.model.colourHistory ?? 0;
  if (!(Number.isFinite(history) && history >= 0))
    throw new ConfigError(
      `model.colourHistory (--colour-history) must be a non-negative number, got ${JSON.stringify(c.model.colourHistory)}`,
    );
  if (history > 0 && colour === 0) throw new ConfigError('--colour-history needs --colour-modes (it weighs the colour bins a user chose)');
  if (c.initFrom !== null && (typeof c.initFrom !== 'string' || c.initFrom === ''))
    throw new ConfigError(`initFrom must be the path of a model snapshot or null, got ${JSON.stringify(c.initFrom)}`);
  if (!Array.isArray(c.betas) || c.betas.length !== 2 || c.betas.some((b) => !(b >= 0 && b < 1)))
    throw new ConfigError(`betas must be two numbers in [0, 1), got ${JSON.stringify(c.betas)}`);
  if (!TASKS.includes(c.task)) throw new ConfigError(`task must be one of ${TASKS.join(', ')}, got '${c.task}'`);
  if (!GEN_COMPAT_SCALES.includes(c.genCompatScale))
    throw new ConfigError(`genCompatScale must be one of ${GEN_COMPAT_SCALES.join(', ')}, got '${c.genCompatScale}'`);
  if (!PRECISIONS.includes(c.precision)) throw new ConfigError(`precision must be one of ${PRECISIONS.join(', ')}, got '${c.precision}'`);
  if (!USER_CONDS.includes(c.userCond)) throw new ConfigError(`userCond must be one of ${USER_CONDS.join(', ')}, got '${c.userCond}'`);
  if (c.recipe !== null && (typeof c.recipe !== 'object' || typeof c.recipe.name !== 'string' || typeof c.recipe.sha256 !== 'string'))
    throw new ConfigError(`recipe must be { name, sha256 } or null, got ${JSON.stringify(c.recipe)}`);
  if (c.stages.length) {
    parseStages(c.stages, 'stages');
    // Each stage's settings on top of the config must be a valid config too.
    if (!variant.designer) throw new ConfigError(`stages are a schedule of the designer's settings, not of the baseline '${c.method}'`);
    for (const [i, st] of c.stages.entries()) {
      try {
        validate({ ...c, ...st.settings, stages: [] } as TrainConfig);
      } catch (e) {
        throw new ConfigError(`stage ${i + 1} (from iteration ${st.from}): ${(e as Error).message}`);
      }
    }
  }
  if (!(DATASET_FORMATS as readonly string[]).includes(c.data.format))
    throw new ConfigError(`data format must be one of ${DATASET_FORMATS.join(', ')}, got '${c.data.format}'`);
  if ((c.gAverage ?? 0) > 0 && !variant.designer)
    throw new ConfigError(`--g-average is an option of the designer, not of the baseline '${c.method}'`);
  if ((c.gAverage ?? 0) > 0 && (c.model.colourModes ?? 0) > 0)
    throw new ConfigError('--g-average is not built for --colour-modes (an averaged G has no mode head)');
  const up = c.model.decoder.upsample;
  if (up !== undefined && up !== 'transposed' && up !== 'nearest')
    throw new ConfigError(`model.decoder.upsample (--upsample) must be transposed or nearest, got '${up}'`);
  const size = c.model.encoder.imageSize;
  if (!(IMAGE_SIZES as readonly number[]).includes(size))
    throw new ConfigError(
      `the networks are built for ${IMAGE_SIZES.join(' or ')} pixel images (--image-size), got encoder imageSize ${size}`,
    );
  const gSize = (c.model.decoder.startSize ?? 4) * c.model.decoder.strides.reduce((a, s) => a * s, 1);
  if (c.model.discriminator.imageSize !== size || gSize !== size)
    throw new ConfigError(
      `the encoder, G and D must work on one image size: encoder ${size}, G ${gSize}, D ${c.model.discriminator.imageSize} (set it with --image-size)`,
    );
  if (size !== 64 && !variant.designer)
    throw new ConfigError(
      `--image-size ${size}: the baseline '${c.method}' is built for 64x64 images; only the designer models run at ${size}`,
    );
}

/** Algorithm 1's options of a config: the paper's step settings and every registered term's. */
export function stepOptions(c: TrainConfig): StepOptions {
  const cfg = c as unknown as Record<string, number | string>;
  return {
    nD: c.nD,
    lambda1: c.lambda1,
    lambda2: c.lambda2,
    lambda3: c.lambda3,
    l2: c.l2,
    genCompatLoss: c.genCompatLoss,
    genCompatScale: c.genCompatScale,
    scoreMomentum: c.scoreMomentum,
    ...Object.fromEntries(termSettings().map((s) => [s.key, cfg[s.key] ?? s.default])),
  };
}
