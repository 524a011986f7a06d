// A loss term beyond the paper, as a plug-in of Algorithm 1 (algorithm1.ts). A term declares
// its settings (rows of the config table: `pfd train` flags, defaults, validation), what it
// needs from the step (a DesignContext memoizes the draws that several terms share), the loss
// parts it adds to a step, and its log keys. Adding a term is one file plus one line in
// registry.ts (or registerTerm() at run time); nothing else names it.
import type * as T from '../../torch/index.js';
import type { NumericSetting } from '../config_table.js';
import type { Designer } from '../../models/designer.js';
import type { DesignContext } from '../step_context.js';
import type { ImageBatch } from '../batches.js';

/** A setting with a fixed set of string values (a `--flag VALUE` of `pfd train`). */
export interface ChoiceSetting {
  key: string;
  flag: string;
  choices: readonly string[];
  default: string;
  help: string;
}

export type TermSetting = NumericSetting | ChoiceSetting;
export const isChoice = (s: TermSetting): s is ChoiceSetting => 'choices' in s;

/** The settings Algorithm 1 reads: the paper's, then every registered term's (by key). */
export interface PaperStepOptions {
  nD: number;
  lambda1: number;
  lambda2: number;
  lambda3: number;
  l2: number; // lambda_theta_FM
  genCompatLoss: boolean; // false: the "remove L_G^FM" ablation
  genCompatScale: 'none' | 'positive-std';
  scoreMomentum: number; // userCond 'none': running mean of positive scores
}

/** What a term adds to step (a): a BPR term of s+ against the scores of extra complements. */
export interface CompatPart {
  /** Extra complements per batch [B, 3, S, S], scored with the row's query (one F pass with the rest), or null. */
  complements(b: ImageBatch): T.Tensor | null;
  weight: number;
  /** Log keys: the unweighted BPR term and the share of rows with s+ above the extra score. */
  keys: readonly [loss: string, auc: string];
}

/** One weighted part of G's loss, added in order (so the sum is the same floating-point sum on every run). */
export interface LossPart {
  loss: T.Tensor; // [] float32
  weight: number;
}

/** A term's contribution to step (c), with the values it logs (tensors read after the step). */
export interface GeneratorPart {
  parts: LossPart[];
  logs: Record<string, T.Tensor>;
}

export interface LossTerm<S extends readonly TermSetting[] = readonly TermSetting[]> {
  name: string;
  /** What it does, in a line (listed by `pfd train --help`). */
  summary: string;
  settings: S;
  /** Whether the term runs with these options on this model (typically: its weight > 0). */
  active(o: StepOptions, model: Designer): boolean;
  /** A problem of the resolved config (a setting without the term it needs, ...), or null. */
  validate?(c: Record<string, unknown>, designer: boolean): string | null;
  /** Step (a): an extra ranking term. */
  compat?(o: StepOptions, batches: ImageBatch[]): CompatPart | null;
  /**
   * Before (b) and (c), once per batch, state kept in ctx.scratch (kept tensors, disposed with the
   * context): prepareCodes inside the pass that computes z_q (F in eval mode, no gradient, in the
   * model's precision; zc = F(x_c+) [B, latent]), prepare after it.
   */
  prepareCodes?(ctx: DesignContext, zc: T.Tensor): void;
  prepare?(ctx: DesignContext): void;
  /** Step (b): the modes of the designs D sees (colour modes), drawn after prepare(). */
  discriminatorModes?(ctx: DesignContext): T.Tensor | undefined;
  /** Step (b): an extra discriminator update (after D's n_D). Returns its logs. */
  discriminate?(ctx: DesignContext, fake: T.Tensor): Record<string, number>;
  /** The real complements the counterfactual designs are drawn toward (colour modes draw in their bins). */
  counterfactualTargets?(ctx: DesignContext): { forNextQuery: T.Tensor | null; forNextUser: T.Tensor | null };
  /** Step (c): parts of G's loss. */
  generator?(ctx: DesignContext): GeneratorPart | null;
  /** Its logged values that must stay finite (the divergence check), and those also bounded in size. */
  finite: readonly string[];
  bounded?: readonly string[];
}

/** Options of one Algorithm 1 step: the paper's and every registered term's settings. */
export type StepOptions = PaperStepOptions & Record<string, number | string | boolean>;

/** A term with its settings' literal types kept (so the config's type has their keys). */
export function defineTerm<const S extends readonly TermSetting[]>(t: LossTerm<S>): LossTerm<S> {
  return t;
}

export type { Designer };
