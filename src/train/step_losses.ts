// What one Algorithm 1 iteration reports (algorithm1.ts): plain numbers, logged per iteration.

/** The paper's losses and diagnostics of one iteration (plain numbers). */
export interface PaperLosses {
  L_FM: number; // (a) total, with the L2 term
  bpr: number; // (a) ranking part
  auc_batch: number; // share of rows with s+ > s-
  s_pos: number;
  s_neg: number;
  L_D: number; // (b) last of the n_D updates
  L_G: number; // (c) total, with the terms' parts
  L_G_adv: number;
  L_G_FM: number; // NaN when the loss is switched off
  s_design: number;
  d_real: number;
  d_fake: number;
}

/**
 * Losses of one iteration: the paper's, each active term's (its own keys), and, when the
 * iteration designs both categories, `by_target` with (b) and (c)'s values per category.
 */
export type StepLosses = PaperLosses & { [key: string]: number | undefined };

/** Milliseconds spent in each step, accumulated (CPU timings; on CUDA they measure launch time only). */
export interface StepTiming {
  a: number;
  b: number;
  c: number;
}

/** A stopwatch: lap(k) adds the milliseconds since the previous lap to timing[k] (a no-op without timing). */
export function stepLaps(timing?: StepTiming): (k: keyof StepTiming) => void {
  let t0 = performance.now();
  return (k) => {
    if (timing) timing[k] += performance.now() - t0;
    t0 = performance.now();
  };
}

/**
 * Adds to step (a)'s values the means over the designed categories of the values every category
 * reported in (b) and (c), and, with several categories, each one's values in by_target.
 */
export function withCategoryMeans(a: Record<string, number>, batches: { target: string }[], per: Record<string, number>[]): StepLosses {
  const out = a as StepLosses;
  for (const k of Object.keys(per[0]!))
    if (per.every((p) => p[k] !== undefined)) out[k] = per.reduce((sum, p) => sum + p[k]!, 0) / per.length;
  if (batches.length > 1) Object.assign(out, { by_target: Object.fromEntries(batches.map((b, i) => [b.target, per[i]!])) });
  return out;
}
