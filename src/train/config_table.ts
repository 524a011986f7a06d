// The paper's and the loop's numeric training settings as one declarative table: from each
// row come its TrainConfig field and type, its default, its validation, its `pfd train` flag
// and its usage text. Settings of loss terms beyond the paper are rows of their terms
// (terms/*.ts) and join this table through terms/registry.ts.
export interface NumericSetting {
  key: string; // TrainConfig field
  flag: string; // `pfd train --FLAG`
  int?: boolean; // integers only
  min: number;
  minExclusive?: boolean; // > min rather than >= min
  max?: number;
  default: number; // before the preset's and the model's own defaults
  help: string;
}

export const NUMERIC_SETTINGS = [
  { key: 'batchSize', flag: 'batch', int: true, min: 1, default: 64, help: 'the global batch (split evenly over --nproc processes)' },
  { key: 'lr', flag: 'lr', min: 0, minExclusive: true, default: 2e-4, help: 'Adam learning rate' },
  { key: 'nD', flag: 'n-d', int: true, min: 1, default: 2, help: 'updates of D per iteration' },
  { key: 'lambda1', flag: 'lambda1', min: 0, default: 1, help: "weight of L_G^FM in G's step" },
  { key: 'lambda2', flag: 'lambda2', min: 0, default: 1, help: "weight of D's RaLSGAN loss" },
  { key: 'lambda3', flag: 'lambda3', min: 0, default: 1, help: "weight of G's RaLSGAN loss" },
  { key: 'l2', flag: 'l2', min: 0, default: 1e-6, help: "L2 weight on F and M's parameters in step (a) (lambda_theta_FM)" },
  {
    key: 'gAverage',
    flag: 'g-average',
    min: 0,
    max: 0.99999,
    default: 0,
    help: "decay of a moving average of G's weights that does the designing (ProGAN/StyleGAN's G_ema; its BatchNorm statistics recomputed for the averaged weights before it designs); 0 = off (the paper)",
  },
  {
    key: 'negativeMix',
    flag: 'negative-mix',
    min: 0,
    max: 1,
    default: 0.5,
    help: "share of kind-1 negatives (a random complement); the rest kind 2 (another user's outfit)",
  },
  {
    key: 'swapNegatives',
    flag: 'swap-negatives',
    min: 0,
    max: 1,
    default: 0,
    help: "share of kind-3 negatives (the user's own other complement), taken first; 0 = off (the paper)",
  },
  {
    key: 'lrDecay',
    flag: 'lr-decay',
    min: 0,
    max: 1,
    default: 0,
    help: "share of the run's iterations at the end over which every learning rate but the designer's step (a) (D's and G's; all of a baseline's) falls linearly towards 0 (pix2pix's decay; measured against --iterations, so a resume that changes it moves the decay); 0 = constant (the paper)",
  },
  { key: 'iterations', flag: 'iterations', int: true, min: 0, default: 0, help: 'iterations to train; 0 = from --epochs' },
  { key: 'epochs', flag: 'epochs', int: true, min: 1, default: 25, help: 'epochs over the training outfits (when --iterations is 0)' },
  { key: 'minutes', flag: 'minutes', min: 0, default: 0, help: 'wall-clock budget; stops with a checkpoint (resumable); 0 = none' },
  { key: 'seed', flag: 'seed', int: true, min: 0, max: 2 ** 31 - 1, default: 1, help: 'seed of everything random' },
  { key: 'checkpointEvery', flag: 'checkpoint-every', int: true, min: 1, default: 500, help: 'iterations between checkpoints' },
  { key: 'sampleEvery', flag: 'sample-every', int: true, min: 1, default: 500, help: 'iterations between sample grids' },
  {
    key: 'evalEvery',
    flag: 'eval-every',
    int: true,
    min: 0,
    default: 500,
    help: 'iterations between light evaluations (learning curves); 0 = never',
  },
  { key: 'evalQueries', flag: 'eval-queries', int: true, min: 0, default: 256, help: 'test cases of each light evaluation' },
] as const satisfies readonly NumericSetting[];

export type NumericSettingKey = (typeof NUMERIC_SETTINGS)[number]['key'];
/** The TrainConfig fields the table declares. */
export type NumericSettings = { [K in NumericSettingKey]: number };

/** Every row's default. */
export function numericDefaults(): NumericSettings {
  return Object.fromEntries(NUMERIC_SETTINGS.map((s) => [s.key, s.default])) as NumericSettings;
}

/** The message for a value a row does not accept, or null. */
export function numericProblem(s: NumericSetting, v: unknown): string | null {
  const n = v as number;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(n) &&
    (!s.int || Number.isInteger(n)) &&
    (s.minExclusive ? n > s.min : n >= s.min) &&
    (s.max === undefined || n <= s.max);
  if (ok) return null;
  const kind = s.int
    ? s.min === 1
      ? 'a positive integer'
      : s.min === 0
        ? 'a non-negative integer'
        : 'an integer'
    : s.minExclusive && s.min === 0
      ? 'a positive number'
      : s.min === 0
        ? 'a non-negative number'
        : 'a number';
  const range = s.max !== undefined ? ` from ${s.min} to ${s.max}` : s.min !== 0 && s.min !== 1 ? ` >= ${s.min}` : '';
  return `${s.key} must be ${s.max !== undefined && !s.int ? `in [${s.min}, ${s.max}]` : `${kind}${range}`}, got ${v}`;
}

/** The usage text of rows (default: this table's): `[--flag N|X]`, and one help line each. */
export function numericUsage(rows: readonly NumericSetting[] = NUMERIC_SETTINGS): { flags: string; help: string[] } {
  return {
    flags: rows.map((s) => `[--${s.flag} ${s.int ? 'N' : 'X'}]`).join(' '),
    help: rows.map((s) => `  --${s.flag.padEnd(17)} ${s.help} (default ${s.default}${s.max !== undefined ? `, ${s.min}-${s.max}` : ''})`),
  };
}
