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

/** Milliseconds spent in each step, accumulated (CPU timings; on CUDA they measure launch time only). */
export interface StepTiming {
  a: number;
  b: number;
  c: number;
}
