// The numeric training settings as one declarative table: from each row come
// its TrainConfig field and type, its default, its validation, its `pfd train`
// flag and its usage text. A new numeric hyperparameter is one row here (plus
// the code that uses it), nothing else.
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
  { key: 'lrCompat', flag: 'lr-compat', min: 0, default: 0, help: "Adam learning rate of Algorithm 1's step (a) (F, M, theta_u); 0 = --lr" },
  { key: 'lrModeHead', flag: 'mode-head-lr', min: 0, default: 0, help: "Adam learning rate of G's mode head (--colour-modes): a head new to a warm-started G learns at a higher rate than the trained G around it; 0 = --lr" },
  { key: 'compatWarmup', flag: 'compat-warmup', int: true, min: 0, default: 0, help: 'iterations of step (a) alone before Algorithm 1' },
  { key: 'nD', flag: 'n-d', int: true, min: 1, default: 2, help: 'updates of D per iteration' },
  { key: 'lambda1', flag: 'lambda1', min: 0, default: 1, help: "weight of L_G^FM in G's step" },
  { key: 'lambda2', flag: 'lambda2', min: 0, default: 1, help: "weight of D's RaLSGAN loss" },
  { key: 'lambda3', flag: 'lambda3', min: 0, default: 1, help: "weight of G's RaLSGAN loss" },
  { key: 'lambda4', flag: 'lambda4', min: 0, default: 1, help: "weight of the query-pair discriminator's losses (with --pair-disc)" },
  { key: 'modeSeeking', flag: 'mode-seeking', min: 0, default: 0, help: "weight of the query mode-seeking term in G's step; 0 = off (the paper)" },
  { key: 'msPool', flag: 'ms-pool', int: true, min: 1, max: 16, default: 1, help: "--mode-seeking compares the two designs after K x K average pooling (K divides the image size): speckle then cannot satisfy it, only colours and shapes (pooled distances are smaller, so the same --mode-seeking weighs more); 1 = pixels" },
  { key: 'lambdaRec', flag: 'lambda-rec', min: 0, default: 0, help: "weight of an L1 term to the outfit's own complement in G's step; 0 = off (the paper)" },
  { key: 'lambdaTv', flag: 'lambda-tv', min: 0, default: 0, help: "weight of the design's total variation (mean absolute difference between neighbouring pixels) in G's step: against speckle that reads as a pattern; 0 = off (the paper)" },
  { key: 'modeColour', flag: 'mode-colour', min: 0, default: 0, help: "with --colour-modes: weight of a term in G's step that keeps designs in the colour bin they are drawn in (each row is also drawn in a random bin, which must look real and lie in that bin); 0 = off" },
  { key: 'designRank', flag: 'design-rank', min: 0, default: 0, help: "weight of a ranking term through M in G's step: each design against the same user's design for another query and another user's design for its query; 0 = off (the paper)" },
  { key: 'l2', flag: 'l2', min: 0, default: 1e-6, help: "L2 weight on F and M's parameters in step (a) (lambda_theta_FM)" },
  { key: 'negativeMix', flag: 'negative-mix', min: 0, max: 1, default: 0.5, help: 'share of kind-1 negatives (a random complement); the rest kind 2 (another user\'s outfit)' },
  { key: 'swapExtra', flag: 'swap-extra', min: 0, max: 4, default: 0, help: "weight of a second ranking term in step (a): each positive against the user's own other complement for its query (kind 3), on top of the kind-1/2 negatives; 0 = off (the paper)" },
  { key: 'rankQueryShare', flag: 'rank-query-share', min: 0, max: 1, default: 0.5, help: "the query term's share of --design-rank's loss (the rest: the other user's design); 1 = the query term alone (one pass of G fewer)" },
  { key: 'designNegatives', flag: 'design-negatives', min: 0, max: 4, default: 0, help: "weight of a third ranking term in step (a): each positive against G's current design for its user and query (a matching-aware compatibility discriminator); 0 = off (the paper)" },
  { key: 'lambdaPick', flag: 'lambda-pick', min: 0, default: 0, help: "weight of an L1 term in G's step from another user's design for the row's query to the batch's real complement that M ranks first for that user and query (M's pick); 0 = off (the paper)" },
  { key: 'pickQueryShare', flag: 'pick-query-share', min: 0, max: 1, default: 0, help: "the share of --lambda-pick's term given to the same user's design for another row's query (and M's pick for it); the rest: the other user's design for the row's query" },
  { key: 'pickPool', flag: 'pick-pool', int: true, min: 0, max: 4096, default: 0, help: "random training complements added to --lambda-pick's candidates each batch (beside the batch's positives and negatives): M's picks then come from a larger catalog, at the cost of an encoder pass over them; 0 = the batch alone" },
  { key: 'swapNegatives', flag: 'swap-negatives', min: 0, max: 1, default: 0, help: "share of kind-3 negatives (the user's own other complement), taken first; 0 = off (the paper)" },
  { key: 'lrDecay', flag: 'lr-decay', min: 0, max: 1, default: 0, help: "share of the run's iterations at the end over which every learning rate but the designer's step (a) (D's and G's; all of a baseline's) falls linearly towards 0 (pix2pix's decay; measured against --iterations, so a resume that changes it moves the decay); 0 = constant (the paper)" },
  { key: 'iterations', flag: 'iterations', int: true, min: 0, default: 0, help: 'iterations to train; 0 = from --epochs' },
  { key: 'epochs', flag: 'epochs', int: true, min: 1, default: 25, help: 'epochs over the training outfits (when --iterations is 0)' },
  { key: 'minutes', flag: 'minutes', min: 0, default: 0, help: 'wall-clock budget; stops with a checkpoint (resumable); 0 = none' },
  { key: 'seed', flag: 'seed', int: true, min: 0, max: 2 ** 31 - 1, default: 1, help: 'seed of everything random' },
  { key: 'checkpointEvery', flag: 'checkpoint-every', int: true, min: 1, default: 500, help: 'iterations between checkpoints' },
  { key: 'sampleEvery', flag: 'sample-every', int: true, min: 1, default: 500, help: 'iterations between sample grids' },
  { key: 'evalEvery', flag: 'eval-every', int: true, min: 0, default: 500, help: 'iterations between light evaluations (learning curves); 0 = never' },
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
  const ok = typeof v === 'number' && Number.isFinite(n) && (!s.int || Number.isInteger(n)) && (s.minExclusive ? n > s.min : n >= s.min) && (s.max === undefined || n <= s.max);
  if (ok) return null;
  const kind = s.int ? (s.min === 1 ? 'a positive integer' : s.min === 0 ? 'a non-negative integer' : 'an integer') : s.minExclusive && s.min === 0 ? 'a positive number' : s.min === 0 ? 'a non-negative number' : 'a number';
  const range = s.max !== undefined ? ` from ${s.min} to ${s.max}` : s.min !== 0 && s.min !== 1 ? ` >= ${s.min}` : '';
  return `${s.key} must be ${s.max !== undefined && !s.int ? `in [${s.min}, ${s.max}]` : `${kind}${range}`}, got ${v}`;
}

/** The usage text of every row: `[--flag N|X]`, and one help line each. */
export function numericUsage(): { flags: string; help: string[] } {
  return {
    flags: NUMERIC_SETTINGS.map((s) => `[--${s.flag} ${'int' in s && s.int ? 'N' : 'X'}]`).join(' '),
    help: NUMERIC_SETTINGS.map((s) => `  --${s.flag.padEnd(17)} ${s.help} (default ${s.default}${'max' in s ? `, ${s.min}-${s.max}` : ''})`),
  };
}
