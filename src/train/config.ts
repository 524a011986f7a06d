// Training configuration: preset -> config file -> flags, resolved once by
// resolveConfig() into a frozen object that is written to the run directory
// before training starts. Every hyperparameter of the paper is here.
import { MODEL_PRESETS, type ModelPreset, type ModelPresetName } from '../models/presets.js';
import { USER_CONDS, type UserCond } from '../models/designer.js';
import type { Task } from '../data/sampler.js';
import { PRECISIONS, defaultPrecision, type Device, type Precision } from '../torch/index.js';
import { GEN_COMPAT_SCALES, type GenCompatScale, type StepOptions } from './algorithm1.js';
import { DATASET_FORMATS, type DatasetSpec } from '../data/load.js';
import { modelNames, modelVariant, type ModelName } from '../models/model_names.js';


export interface TrainConfig {
  method: ModelName; // the registered model trained (`--model`): the paper's designer, an ablation or a baseline
  preset: ModelPresetName;
  model: ModelPreset;
  data: DatasetSpec;
  task: Task;
  userCond: UserCond;
  genCompatLoss: boolean;
  genCompatScale: GenCompatScale;
  batchSize: number;
  lr: number;
  lrCompat: number; // Adam lr of step (a) (F, M, theta_u) in Algorithm 1; 0 = lr
  compatWarmup: number; // iterations of step (a) alone (at lr) that initialize F, M, theta_u first
  betas: [number, number];
  nD: number;
  lambda1: number;
  lambda2: number;
  lambda3: number;
  l2: number;
  lambda4: number; // weight of the query-pair discriminator's losses (models with model.pairDiscriminator)
  modeSeeking: number; // weight of the query mode-seeking term in G's step; 0 = off (the paper)
  lambdaRec: number; // weight of an L1 term to the outfit's own complement in G's step; 0 = off (the paper)
  negativeMix: number; // share of kind-1 negatives (a random complement); the rest are kind 2 (another user's outfit)
  swapNegatives: number; // share of kind-3 negatives (the user's own other complement), taken before the others; 0 = off (the paper)
  scoreMomentum: number;
  iterations: number; // 0: derive from epochs
  epochs: number;
  minutes: number; // wall-clock budget, 0 = none (stops with a checkpoint; resumable)
  seed: number;
  checkpointEvery: number;
  sampleEvery: number;
  keepCheckpoints: number;
  sampleQueries: number; // fixed test queries per designed category in sample grids
  sampleUsers: number; // fixed users in sample grids
  evalEvery: number; // light evaluation (learning curves) every N iterations; 0 = never
  evalQueries: number; // test cases of each light evaluation
  device: string;
  precision: Precision; // compute precision; default: bf16 where the CPU has bf16 matrix units, else fp32
}

export const DEFAULT_STEP: StepOptions = { nD: 2, lambda1: 1, lambda2: 1, lambda3: 1, l2: 1e-6, lambda4: 1, modeSeeking: 0, lambdaRec: 0, genCompatLoss: true, genCompatScale: 'none', scoreMomentum: 0.01 };

const BASE: Omit<TrainConfig, 'preset' | 'model' | 'data'> = {
  method: 'designer', task: 'both', userCond: 'vector',
  batchSize: 64, lr: 2e-4, lrCompat: 0, compatWarmup: 0, betas: [0.5, 0.999], ...DEFAULT_STEP,
  negativeMix: 0.5, swapNegatives: 0, iterations: 0, epochs: 25, minutes: 0, seed: 1,
  checkpointEvery: 500, sampleEvery: 500, keepCheckpoints: 2, sampleQueries: 6, sampleUsers: 6, evalEvery: 500, evalQueries: 256, device: 'cpu', precision: 'fp32',
};

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

export type ConfigOverrides = Partial<Omit<TrainConfig, 'model' | 'data'>> & { model?: Partial<ModelPreset>; data?: Partial<TrainConfig['data']> };

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

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
  const c = structuredClone({ ...BASE, ...TRAIN_PRESETS[p], ...variant, preset: p, model: MODEL_PRESETS[p], data: { path: '', format: 'manifest', skipBad: false } }) as TrainConfig;
  for (const o of overrides) {
    const { model, data, ...rest } = o;
    const known = new Set(Object.keys(c));
    for (const k of Object.keys(rest)) if (!known.has(k)) throw new ConfigError(`unknown config key '${k}'`);
    Object.assign(c, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    if (model) c.model = { ...c.model, ...structuredClone(model) };
    if (data) c.data = { ...c.data, ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) };
  }
  // Unless given, the precision follows the device it trains on.
  if (!overrides.some((o) => o.precision !== undefined)) c.precision = defaultPrecision(c.device as Device);
  validate(c);
  return deepFreeze(c);
}

function validate(c: TrainConfig): void {
  const posInt = ['batchSize', 'nD', 'epochs', 'checkpointEvery', 'sampleEvery', 'keepCheckpoints', 'sampleQueries', 'sampleUsers'] as const;
  for (const k of posInt) if (!Number.isInteger(c[k]) || c[k] < 1) throw new ConfigError(`${k} must be a positive integer, got ${c[k]}`);
  if (!Number.isInteger(c.iterations) || c.iterations < 0) throw new ConfigError(`iterations must be a non-negative integer, got ${c.iterations}`);
  for (const k of ['evalEvery', 'evalQueries'] as const) if (!Number.isInteger(c[k]) || c[k] < 0) throw new ConfigError(`${k} must be a non-negative integer, got ${c[k]}`);
  if (!Number.isInteger(c.compatWarmup) || c.compatWarmup < 0) throw new ConfigError(`compatWarmup must be a non-negative integer, got ${c.compatWarmup}`);
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed >= 2 ** 31) throw new ConfigError(`seed must be an integer from 0 to 2^31 - 1, got ${c.seed}`);
  const variant = modelVariant(c.method)!;
  for (const [k, v] of Object.entries(variant.defaults)) {
    if (c[k as keyof TrainConfig] !== v) throw new ConfigError(`model '${c.method}' is the designer with ${k} = ${JSON.stringify(v)}; it cannot be trained with ${k} = ${JSON.stringify(c[k as keyof TrainConfig])} (use --model designer for that)`);
  }
  if (!variant.designer && (c.model.pairDiscriminator || c.modeSeeking > 0 || c.lambdaRec > 0 || c.compatWarmup > 0)) {
    throw new ConfigError(`--pair-disc, --mode-seeking, --lambda-rec and --compat-warmup are options of the designer, not of the baseline '${c.method}'`);
  }
  for (const k of ['lr', 'lrCompat', 'lambda1', 'lambda2', 'lambda3', 'lambda4', 'modeSeeking', 'lambdaRec', 'l2', 'minutes', 'scoreMomentum'] as const) {
    if (!Number.isFinite(c[k]) || c[k] < 0) throw new ConfigError(`${k} must be a non-negative number, got ${c[k]}`);
  }
  if (!(c.lr > 0)) throw new ConfigError(`lr must be positive, got ${c.lr}`);
  if (!Array.isArray(c.betas) || c.betas.length !== 2 || c.betas.some((b) => !(b >= 0 && b < 1))) throw new ConfigError(`betas must be two numbers in [0, 1), got ${JSON.stringify(c.betas)}`);
  if (!(c.negativeMix >= 0 && c.negativeMix <= 1)) throw new ConfigError(`negativeMix must be in [0, 1], got ${c.negativeMix}`);
  if (!(c.swapNegatives >= 0 && c.swapNegatives <= 1)) throw new ConfigError(`swapNegatives must be in [0, 1], got ${c.swapNegatives}`);
  if (!TASKS.includes(c.task)) throw new ConfigError(`task must be one of ${TASKS.join(', ')}, got '${c.task}'`);
  if (!GEN_COMPAT_SCALES.includes(c.genCompatScale)) throw new ConfigError(`genCompatScale must be one of ${GEN_COMPAT_SCALES.join(', ')}, got '${c.genCompatScale}'`);
  if (c.model.userInit !== undefined && c.model.userInit !== 'normal' && c.model.userInit !== 'ones') throw new ConfigError(`model.userInit must be normal or ones, got '${c.model.userInit}'`);
  if (!PRECISIONS.includes(c.precision)) throw new ConfigError(`precision must be one of ${PRECISIONS.join(', ')}, got '${c.precision}'`);
  if (!USER_CONDS.includes(c.userCond)) throw new ConfigError(`userCond must be one of ${USER_CONDS.join(', ')}, got '${c.userCond}'`);
  if (!(DATASET_FORMATS as readonly string[]).includes(c.data.format)) throw new ConfigError(`data format must be one of ${DATASET_FORMATS.join(', ')}, got '${c.data.format}'`);
  if (c.model.encoder.imageSize !== 64 || c.model.discriminator.imageSize !== 64) throw new ConfigError('the model works on 64x64 images (encoder and discriminator imageSize must be 64)');
}

export function stepOptions(c: TrainConfig): StepOptions {
  return { nD: c.nD, lambda1: c.lambda1, lambda2: c.lambda2, lambda3: c.lambda3, lambda4: c.lambda4 ?? 1, modeSeeking: c.modeSeeking ?? 0, lambdaRec: c.lambdaRec ?? 0, l2: c.l2, genCompatLoss: c.genCompatLoss, genCompatScale: c.genCompatScale, scoreMomentum: c.scoreMomentum };
}
