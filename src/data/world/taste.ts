// Users' latent tastes and the ground-truth preference pref(u, outfit) in [0, 1]:
//   0.35 * colour affinity + 0.20 * pattern affinity + 0.20 * silhouette affinity
//   + 0.25 * (1 - |outfit formality - the user's formality|)
// Affinities are a user's Dirichlet weights scaled so that the favourite is 1.
import { BOTTOM_SILHOUETTES, COLOURS, PATTERNS, TOP_SILHOUETTES, formality, type ItemAttributes, type Silhouette } from './attributes.js';
import type { Rng } from '../rng.js';

export interface Taste {
  colours: number[]; // [12] affinity in [0, 1]
  patterns: number[]; // [5]
  tops: number[]; // [5] silhouettes
  bottoms: number[]; // [4]
  formality: number; // preferred formality in [0, 1]
}

const scaled = (w: number[]) => {
  const m = Math.max(...w);
  return w.map((x) => x / m);
};

/** A random taste: peaked on a few colours, patterns and silhouettes (Dirichlet 0.5). */
export function sampleTaste(rng: Rng): Taste {
  return {
    colours: scaled(rng.dirichlet(COLOURS.length, 0.5)),
    patterns: scaled(rng.dirichlet(PATTERNS.length, 0.6)),
    tops: scaled(rng.dirichlet(TOP_SILHOUETTES.length, 0.6)),
    bottoms: scaled(rng.dirichlet(BOTTOM_SILHOUETTES.length, 0.6)),
    formality: rng.next(),
  };
}

function silhouetteAffinity(t: Taste, s: Silhouette): number {
  const ti = (TOP_SILHOUETTES as readonly string[]).indexOf(s);
  return ti >= 0 ? t.tops[ti]! : t.bottoms[(BOTTOM_SILHOUETTES as readonly string[]).indexOf(s)]!;
}

/** How much a user with taste t likes one item, in [0, 1] (the item's half of pref). */
export function itemAffinity(t: Taste, a: ItemAttributes): { colour: number; pattern: number; silhouette: number } {
  return {
    colour: t.colours[a.colour]!,
    pattern: t.patterns[PATTERNS.indexOf(a.pattern)]!,
    silhouette: silhouetteAffinity(t, a.silhouette),
  };
}

/** How close an outfit's formality is to the user's preferred formality, in [0, 1] (pref's last term). */
export function formalityFit(t: Taste, top: ItemAttributes, bottom: ItemAttributes): number {
  return 1 - Math.abs((formality(top) + formality(bottom)) / 2 - t.formality);
}

export function pref(t: Taste, top: ItemAttributes, bottom: ItemAttributes): number {
  const a = itemAffinity(t, top), b = itemAffinity(t, bottom);
  return 0.35 * (a.colour + b.colour) / 2 + 0.2 * (a.pattern + b.pattern) / 2 + 0.2 * (a.silhouette + b.silhouette) / 2 +
    0.25 * formalityFit(t, top, bottom);
}
