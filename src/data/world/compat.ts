// The ground-truth compatibility of a top and a bottom, compat in [0, 1]:
//   0.45 * colour harmony + 0.30 * pattern compatibility + 0.25 * formality match
// (rules and tables in docs/data.md). Symmetric, deterministic, cheap.
import { COLOURS, formality, type ItemAttributes } from './attributes.js';

/** Harmony of two colours in [0, 1]. */
export function colourHarmony(a: number, b: number): number {
  const ha = COLOURS[a]!.hue, hb = COLOURS[b]!.hue;
  if (ha === null && hb === null) return 0.75; // two neutrals: safe, a little dull
  if (ha === null || hb === null) return 0.85; // a neutral goes with anything
  if (a === b) return 0.55; // monochrome
  const d = Math.min(Math.abs(ha - hb), 360 - Math.abs(ha - hb));
  if (d < 40) return 0.75; // analogous
  if (d < 100) return 0.15; // the clash zone (e.g. green with yellow, blue with purple)
  if (d < 150) return 0.5; // triadic
  return 0.95; // complementary
}

/** Pattern compatibility in [0, 1]: one busy piece is best, two different busy pieces clash. */
export function patternCompat(a: ItemAttributes, b: ItemAttributes): number {
  const sa = a.pattern === 'solid', sb = b.pattern === 'solid';
  if (sa && sb) return 0.7;
  if (sa || sb) return 1.0;
  return a.pattern === b.pattern ? 0.3 : 0.05;
}

export function formalityMatch(a: ItemAttributes, b: ItemAttributes): number {
  return 1 - Math.abs(formality(a) - formality(b));
}

/** Colour term: the main colours, plus each pattern colour against the other piece's main colour. */
export function colourTerm(top: ItemAttributes, bottom: ItemAttributes): number {
  const main = colourHarmony(top.colour, bottom.colour);
  const extra: number[] = [];
  if (top.pattern !== 'solid') extra.push(colourHarmony(top.secondary, bottom.colour));
  if (bottom.pattern !== 'solid') extra.push(colourHarmony(bottom.secondary, top.colour));
  if (extra.length === 0) return main;
  return 0.75 * main + 0.25 * (extra.reduce((s, x) => s + x, 0) / extra.length);
}

export function compat(top: ItemAttributes, bottom: ItemAttributes): number {
  return 0.45 * colourTerm(top, bottom) + 0.3 * patternCompat(top, bottom) + 0.25 * formalityMatch(top, bottom);
}
