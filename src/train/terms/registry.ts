// The registered loss terms beyond the paper, in the order their parts are added to a step's
// loss (a fixed order: the same floating-point sum on every run). Settings, `pfd train` flags,
// validation, defaults and the divergence check all come from this table.
import type { LossTerm, StepOptions, TermSetting, ChoiceSetting } from './term.js';
import type { NumericSetting } from '../config_table.js';
import type { Designer } from '../../models/designer.js';
import { swapExtraTerm } from './swap_extra.js';
import { pairDiscriminatorTerm } from './pair_discriminator.js';
import { modeSeekingTerm } from './mode_seeking.js';
import { reconstructionTerm } from './reconstruction.js';
import { totalVariationTerm } from './total_variation.js';
import { designRankTerm } from './design_rank.js';
import { mPickTerm } from './m_pick.js';
import { colourModesTerm } from './colour_modes.js';
import { r1PenaltyTerm } from './r1_penalty.js';

export const BUILTIN_TERMS = [
  swapExtraTerm,
  pairDiscriminatorTerm,
  modeSeekingTerm,
  reconstructionTerm,
  totalVariationTerm,
  designRankTerm,
  mPickTerm,
  colourModesTerm,
  r1PenaltyTerm,
] as const;

type BuiltinSetting = (typeof BUILTIN_TERMS)[number]['settings'][number];
/** The config fields the built-in terms declare, with their types. */
export type TermSettingValues = { [S in BuiltinSetting as S['key']]: S extends { choices: readonly (infer C)[] } ? C : number };

const added: LossTerm[] = [];

/** Every term: the built-in ones, then those registered at run time. */
export function lossTerms(): readonly LossTerm[] {
  return [...(BUILTIN_TERMS as readonly LossTerm[]), ...added];
}

/**
 * Registers a term at run time (a plugin's, a test's): its settings become config keys and
 * `pfd train` flags, and Algorithm 1 adds its parts after the built-in terms'.
 */
export function registerTerm(term: LossTerm): void {
  const taken = new Set(termSettings().flatMap((s) => [s.key, s.flag]));
  if (lossTerms().some((t) => t.name === term.name)) throw new Error(`a loss term named '${term.name}' is registered already`);
  for (const s of term.settings)
    if (taken.has(s.key) || taken.has(s.flag)) throw new Error(`term '${term.name}': setting '${s.key}' (--${s.flag}) is taken`);
  added.push(term);
}

/** Removes a term registered at run time (tests). */
export function unregisterTerm(name: string): void {
  const i = added.findIndex((t) => t.name === name);
  if (i >= 0) added.splice(i, 1);
}

/** Every term's settings, in registry order. */
export function termSettings(): TermSetting[] {
  return lossTerms().flatMap((t) => [...t.settings]);
}

export const numericTermSettings = (): NumericSetting[] => termSettings().filter((s): s is NumericSetting => !('choices' in s));
export const choiceTermSettings = (): ChoiceSetting[] => termSettings().filter((s): s is ChoiceSetting => 'choices' in s);

/** Every term setting's default, by key. */
export function termDefaults(): Record<string, number | string> {
  return Object.fromEntries(termSettings().map((s) => [s.key, s.default]));
}

/** The terms that run with these options on this model. */
export function activeTerms(o: StepOptions, model: Designer): LossTerm[] {
  return lossTerms().filter((t) => t.active(o, model));
}
