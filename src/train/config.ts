// Training configuration: preset -> config file -> flags, resolved once by
// resolveConfig() into a frozen object that is written to the run directory
// before training starts. Every hyperparameter of the paper is here.
import { MODEL_PRESETS, type ModelPreset, type ModelPresetName } from '../models/presets.js';
import path from 'node:path';
import { USER_CONDS, type UserCond } from '../models/designer.js';
import type { Task } from '../data/sampler.js';
import { PRECISIONS, defaultPrecision, type Device, type Precision } from '../torch/index.js';
import { GEN_COMPAT_SCALES, MODE_COLOUR_MASKS, MS_MASKS, type GenCompatScale, type ModeColourMask, type MsMask, type StepOptions } from './algorithm1.js';
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
  modeColourMask?: ModeColourMask; // --mode-colour-mask (absent: 'design', as before the option)
  msMask?: MsMask; // --ms-mask (absent: 'all', as before the option)
  betas: [number, number];
  scoreMomentum: number;
  keepCheckpoints: number;
  sampleQueries: number; // fixed test queries per designed category in sample grids
  sampleUsers: number; // fixed users in sample grids
  device: string;
  precision: Precision; // compute precision; default: bf16 where the CPU has bf16 matrix units, else fp32
  initFrom: string | null; // warm start: a serving snapshot whose weights the run begins with (init_from.ts); null = fresh weights
}

export type TrainConfig = TrainConfigBase & NumericSettings;

const D = numericDefaults();
export const DEFAULT_STEP: StepOptions = {
  nD: D.nD, lambda1: D.lambda1, lambda2: D.lambda2, lambda3: D.lambda3, l2: D.l2, lambda4: D.lambda4, modeSeeking: D.modeSeeking, msPool: D.msPool, lambdaRec: D.lambdaRec, lambdaTv: D.lambdaTv, modeColour: D.modeColour, swapExtra: D.swapExtra, designRank: D.designRank, rankQueryShare: D.rankQueryShare, designNegatives: D.designNegatives, lambdaPick: D.lambdaPick, pickQueryShare: D.pickQueryShare,
  genCompatLoss: true, genCompatScale: 'none', scoreMomentum: 0.01,
};

const BASE: Omit<TrainConfig, 'preset' | 'model' | 'data'> = {
  ...D, ...DEFAULT_STEP, method: 'designer', task: 'both', userCond: 'vector', betas: [0.5, 0.999],
  keepCheckpoints: 2, sampleQueries: 6, sampleUsers: 6, device: 'cpu', precision: 'fp32', initFrom: null, modeColourMask: 'design', msMask: 'all',
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
  // A warm start's snapshot, as an absolute path (recorded so in the run's config.json).
  if (typeof c.initFrom === 'string' && c.initFrom !== '') c.initFrom = path.resolve(c.initFrom);
  // Unless given, the precision follows the device it trains on.
  if (!overrides.some((o) => o.precision !== undefined)) c.precision = defaultPrecision(c.device as Device);
  validate(c);
  return deepFreeze(c);
}

function validate(c: TrainConfig): void {
  for (const row of NUMERIC_SETTINGS) {
    const problem = numericProblem(row, c[row.key]);
    if (problem) throw new ConfigError(problem);
  }
  for (const k of ['keepCheckpoints', 'sampleQueries', 'sampleUsers'] as const) if (!Number.isInteger(c[k]) || c[k] < 1) throw new ConfigError(`${k} must be a positive integer, got ${c[k]}`);
  if (!Number.isFinite(c.scoreMomentum) || c.scoreMomentum < 0) throw new ConfigError(`scoreMomentum must be a non-negative number, got ${c.scoreMomentum}`);
  const variant = modelVariant(c.method)!;
  for (const [k, v] of Object.entries(variant.defaults)) {
    if (c[k as keyof TrainConfig] !== v) throw new ConfigError(`model '${c.method}' is the designer with ${k} = ${JSON.stringify(v)}; it cannot be trained with ${k} = ${JSON.stringify(c[k as keyof TrainConfig])} (use --model designer for that)`);
  }
  if (!variant.designer && (c.model.pairDiscriminator || c.modeSeeking > 0 || c.lambdaRec > 0 || (c.lambdaTv ?? 0) > 0 || (c.msPool ?? 1) > 1 || (c.swapExtra ?? 0) > 0 || (c.designRank ?? 0) > 0 || (c.designNegatives ?? 0) > 0 || (c.lambdaPick ?? 0) > 0 || (c.pickPool ?? 0) > 0 || c.compatWarmup > 0)) {
    throw new ConfigError(`--pair-disc, --mode-seeking, --ms-pool, --lambda-rec, --lambda-tv, --swap-extra, --design-rank, --design-negatives, --lambda-pick, --pick-pool and --compat-warmup are options of the designer, not of the baseline '${c.method}'`);
  }
  const modes = c.model.designModes ?? 1;
  if (!Number.isInteger(modes) || modes < 1 || modes > 16) throw new ConfigError(`model.designModes (--design-modes) must be an integer from 1 to 16, got ${JSON.stringify(c.model.designModes)}`);
  if (modes > 1 && !variant.designer) throw new ConfigError(`--design-modes is an option of the designer, not of the baseline '${c.method}'`);
  if (modes > 1 && c.userCond === 'none') throw new ConfigError('--design-modes needs a user-aware model: M chooses among the modes for the user, and with --user-cond none there is none');
  const colour = c.model.colourModes ?? 0;
  if (!Number.isInteger(colour) || colour < 0 || colour === 1 || colour > 6) throw new ConfigError(`model.colourModes (--colour-modes) must be 0 (off) or an integer from 2 to 6 (colour levels per channel), got ${JSON.stringify(c.model.colourModes)}`);
  if (colour > 0 && !variant.designer) throw new ConfigError(`--colour-modes is an option of the designer, not of the baseline '${c.method}'`);
  const history = c.model.colourHistory ?? 0;
  if (!(Number.isFinite(history) && history >= 0)) throw new ConfigError(`model.colourHistory (--colour-history) must be a non-negative number, got ${JSON.stringify(c.model.colourHistory)}`);
  if (history > 0 && colour === 0) throw new ConfigError('--colour-history needs --colour-modes (it weighs the colour bins a user chose)');
  if (c.modeColourMask !== undefined && !MODE_COLOUR_MASKS.includes(c.modeColourMask)) throw new ConfigError(`modeColourMask (--mode-colour-mask) must be one of ${MODE_COLOUR_MASKS.join(', ')}, got '${c.modeColourMask}'`);
  if (c.modeColourMask === 'target' && !((c.modeColour ?? 0) > 0)) throw new ConfigError('--mode-colour-mask target needs --mode-colour > 0');
  if (c.msMask !== undefined && !MS_MASKS.includes(c.msMask)) throw new ConfigError(`msMask (--ms-mask) must be one of ${MS_MASKS.join(', ')}, got '${c.msMask}'`);
  if (c.msMask === 'target' && !(c.modeSeeking > 0)) throw new ConfigError('--ms-mask target needs --mode-seeking > 0');
  if ((c.modeColour ?? 0) > 0 && colour === 0) throw new ConfigError('--mode-colour needs --colour-modes (it keeps designs in their colour bins)');
  if ((c.lrModeHead ?? 0) > 0 && colour === 0) throw new ConfigError('--mode-head-lr needs --colour-modes (only colour modes have a mode head)');
  if (colour > 0 && modes > 1) throw new ConfigError('--colour-modes and --design-modes are two ways of choosing G\'s mode: give one');
  if ((c.lambdaPick ?? 0) > 0 && c.userCond === 'none') throw new ConfigError("--lambda-pick needs a user-aware model: with --user-cond none there is no other user to design for");
  if ((c.pickQueryShare ?? 0) > 0 && !((c.lambdaPick ?? 0) > 0)) throw new ConfigError('--pick-query-share needs --lambda-pick > 0');
  if ((c.pickPool ?? 0) > 0 && !((c.lambdaPick ?? 0) > 0)) throw new ConfigError('--pick-pool needs --lambda-pick > 0');
  if ((c.msPool ?? 1) > 1 && !(c.modeSeeking > 0)) throw new ConfigError('--ms-pool needs --mode-seeking > 0');
  if ((c.msPool ?? 1) > 1 && c.model.encoder.imageSize % c.msPool! !== 0) throw new ConfigError(`--ms-pool ${c.msPool} must divide the image size ${c.model.encoder.imageSize}`);
  if (c.initFrom !== null && (typeof c.initFrom !== 'string' || c.initFrom === '')) throw new ConfigError(`initFrom must be the path of a model snapshot or null, got ${JSON.stringify(c.initFrom)}`);
  if (!Array.isArray(c.betas) || c.betas.length !== 2 || c.betas.some((b) => !(b >= 0 && b < 1))) throw new ConfigError(`betas must be two numbers in [0, 1), got ${JSON.stringify(c.betas)}`);
  if (!TASKS.includes(c.task)) throw new ConfigError(`task must be one of ${TASKS.join(', ')}, got '${c.task}'`);
  if (!GEN_COMPAT_SCALES.includes(c.genCompatScale)) throw new ConfigError(`genCompatScale must be one of ${GEN_COMPAT_SCALES.join(', ')}, got '${c.genCompatScale}'`);
  if (c.model.userInit !== undefined && c.model.userInit !== 'normal' && c.model.userInit !== 'ones') throw new ConfigError(`model.userInit must be normal or ones, got '${c.model.userInit}'`);
  if (!PRECISIONS.includes(c.precision)) throw new ConfigError(`precision must be one of ${PRECISIONS.join(', ')}, got '${c.precision}'`);
  if (!USER_CONDS.includes(c.userCond)) throw new ConfigError(`userCond must be one of ${USER_CONDS.join(', ')}, got '${c.userCond}'`);
  if (!(DATASET_FORMATS as readonly string[]).includes(c.data.format)) throw new ConfigError(`data format must be one of ${DATASET_FORMATS.join(', ')}, got '${c.data.format}'`);
  if (c.model.encoder.imageSize !== 64 || c.model.discriminator.imageSize !== 64) throw new ConfigError('the model works on 64x64 images (encoder and discriminator imageSize must be 64)');
}

export function stepOptions(c: TrainConfig): StepOptions {
  return { nD: c.nD, lambda1: c.lambda1, lambda2: c.lambda2, lambda3: c.lambda3, lambda4: c.lambda4 ?? 1, modeSeeking: c.modeSeeking ?? 0, msPool: c.msPool ?? 1, lambdaRec: c.lambdaRec ?? 0, lambdaTv: c.lambdaTv ?? 0, modeColour: c.modeColour ?? 0, modeColourMask: c.modeColourMask ?? 'design', msMask: c.msMask ?? 'all', swapExtra: c.swapExtra ?? 0, designRank: c.designRank ?? 0, rankQueryShare: c.rankQueryShare ?? 0.5, designNegatives: c.designNegatives ?? 0, lambdaPick: c.lambdaPick ?? 0, pickQueryShare: c.pickQueryShare ?? 0, l2: c.l2, genCompatLoss: c.genCompatLoss, genCompatScale: c.genCompatScale, scoreMomentum: c.scoreMomentum };
}
