// The vocabulary of the synthetic fashion world: categories, silhouettes,
// colours and patterns, with the facts the ground truth uses (hue,
// neutrality, formality). See docs/data.md for the rules built on them.

export type Category = 'top' | 'bottom';

export const TOP_SILHOUETTES = ['tshirt', 'tank', 'longsleeve', 'shirt', 'jacket'] as const;
export const BOTTOM_SILHOUETTES = ['trousers', 'jeans', 'shorts', 'skirt'] as const;
/** All silhouettes; the index is the classifier's "silhouette" class (it also gives the category). */
export const SILHOUETTES = [...TOP_SILHOUETTES, ...BOTTOM_SILHOUETTES] as const;
export type Silhouette = (typeof SILHOUETTES)[number];

export const categoryOf = (s: Silhouette): Category => ((TOP_SILHOUETTES as readonly string[]).includes(s) ? 'top' : 'bottom');

/** Base formality in [0, 1] of each silhouette. */
export const SILHOUETTE_FORMALITY: Record<Silhouette, number> = {
  tshirt: 0.2, tank: 0.05, longsleeve: 0.4, shirt: 0.8, jacket: 0.9,
  trousers: 0.85, jeans: 0.4, shorts: 0.1, skirt: 0.6,
};

export interface Colour {
  name: string;
  rgb: [number, number, number];
  /** Hue in degrees, or null for neutrals (go with anything). */
  hue: number | null;
}

/** Twelve colours, chosen to stay distinguishable under the renders' shading. */
export const COLOURS: readonly Colour[] = [
  { name: 'black', rgb: [25, 25, 28], hue: null },
  { name: 'grey', rgb: [135, 135, 140], hue: null },
  { name: 'navy', rgb: [28, 40, 100], hue: null },
  { name: 'brown', rgb: [115, 68, 32], hue: null },
  { name: 'blue', rgb: [45, 115, 225], hue: 215 },
  { name: 'teal', rgb: [0, 150, 145], hue: 178 },
  { name: 'green', rgb: [55, 160, 60], hue: 122 },
  { name: 'yellow', rgb: [240, 205, 35], hue: 50 },
  { name: 'orange', rgb: [245, 125, 25], hue: 28 },
  { name: 'red', rgb: [205, 30, 40], hue: 357 },
  { name: 'pink', rgb: [245, 135, 190], hue: 330 },
  { name: 'purple', rgb: [125, 55, 170], hue: 278 },
];

export const PATTERNS = ['solid', 'stripes', 'checks', 'dots', 'print'] as const;
export type Pattern = (typeof PATTERNS)[number];

/** How a pattern shifts formality (solid reads dressier, a loud print casual). */
export const PATTERN_FORMALITY: Record<Pattern, number> = { solid: 0.1, stripes: 0, checks: 0.05, dots: -0.05, print: -0.15 };

/** The attributes of one item: everything the ground truth and the classifier know. */
export interface ItemAttributes {
  silhouette: Silhouette;
  colour: number; // index into COLOURS
  pattern: Pattern;
  secondary: number; // pattern colour (index into COLOURS); equals colour for solid items
}

/** Colours far enough from `colour` (RGB distance > 110) to read as a pattern on it. */
export function contrastingColours(colour: number): number[] {
  const [r, g, b] = COLOURS[colour]!.rgb;
  return COLOURS.map((_, i) => i).filter((i) => Math.hypot(COLOURS[i]!.rgb[0] - r, COLOURS[i]!.rgb[1] - g, COLOURS[i]!.rgb[2] - b) > 110);
}

/** Random attributes among `silhouettes`: uniform silhouette, colour and pattern; a contrasting pattern colour. */
export function sampleAttributes(rng: { pick<T>(xs: readonly T[]): T; int(n: number): number }, silhouettes: readonly Silhouette[]): ItemAttributes {
  const silhouette = rng.pick(silhouettes);
  const colour = rng.int(COLOURS.length);
  const pattern = rng.pick(PATTERNS);
  const secondary = pattern === 'solid' ? colour : rng.pick(contrastingColours(colour));
  return { silhouette, colour, pattern, secondary };
}

export function formality(a: ItemAttributes): number {
  return Math.min(1, Math.max(0, SILHOUETTE_FORMALITY[a.silhouette] + PATTERN_FORMALITY[a.pattern]));
}
