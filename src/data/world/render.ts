// Renders an item as a product photo on a white background: the garment
// template filled with its colour and pattern, shaded, with folds and a small
// random placement, rasterized from SVG by sharp. Every render of an item is
// the same (its variation comes from the item's seed); no two items render alike.
import sharp from 'sharp';
import { COLOURS, type ItemAttributes, type Pattern } from './attributes.js';
import { GARMENTS } from './garments.js';
import { Rng } from '../rng.js';

export interface RenderVariation {
  scale: number; // garment size factor
  dx: number; // offset in box units
  dy: number;
  shade: number; // brightness factor of the fabric
  patternScale: number;
  patternAngle: number; // degrees (stripes/checks)
  foldSeed: number;
}

export function sampleVariation(rng: Rng): RenderVariation {
  return {
    scale: rng.uniform(0.86, 1.0),
    dx: rng.uniform(-4, 4),
    dy: rng.uniform(-3, 3),
    shade: rng.uniform(0.88, 1.08),
    patternScale: rng.uniform(0.85, 1.2),
    patternAngle: rng.pick([0, 0, 90, 45, -45]),
    foldSeed: rng.nextU32(),
  };
}

const hex = (rgb: [number, number, number], k = 1) =>
  '#' + rgb.map((c) => Math.max(0, Math.min(255, Math.round(c * k))).toString(16).padStart(2, '0')).join('');

function patternDef(p: Pattern, ink: string, v: RenderVariation, rng: Rng): string {
  const s = v.patternScale;
  const rot = `patternTransform="rotate(${v.patternAngle}) scale(${s})"`;
  switch (p) {
    case 'solid':
      return '';
    case 'stripes':
      return `<pattern id="pt" width="10" height="10" patternUnits="userSpaceOnUse" ${rot}><rect y="0" width="10" height="4.5" fill="${ink}"/></pattern>`;
    case 'checks':
      return `<pattern id="pt" width="12" height="12" patternUnits="userSpaceOnUse" ${rot}>` +
        `<rect width="12" height="5" fill="${ink}" fill-opacity="0.75"/><rect width="5" height="12" fill="${ink}" fill-opacity="0.75"/></pattern>`;
    case 'dots':
      return `<pattern id="pt" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="scale(${s})">` +
        `<circle cx="3" cy="3" r="2.6" fill="${ink}"/><circle cx="8" cy="8" r="2.6" fill="${ink}"/></pattern>`;
    case 'print': {
      // A floral print: a few five-petal flowers per tile.
      let flowers = '';
      for (let i = 0; i < 3; i++) {
        const cx = rng.uniform(3, 17), cy = rng.uniform(3, 17), r = rng.uniform(1.6, 2.4);
        for (let k = 0; k < 5; k++) {
          const a = (k * 72 * Math.PI) / 180;
          flowers += `<circle cx="${(cx + Math.cos(a) * r).toFixed(2)}" cy="${(cy + Math.sin(a) * r).toFixed(2)}" r="${(r * 0.7).toFixed(2)}" fill="${ink}"/>`;
        }
      }
      return `<pattern id="pt" width="20" height="20" patternUnits="userSpaceOnUse" patternTransform="scale(${s})">${flowers}</pattern>`;
    }
  }
}

/** The SVG of an item at `size` pixels. */
export function itemSvg(a: ItemAttributes, v: RenderVariation, size: number): string {
  const g = GARMENTS[a.silhouette];
  const base = COLOURS[a.colour]!.rgb;
  const fabric = hex(base, v.shade);
  const ink = hex(COLOURS[a.secondary]!.rgb, v.shade);
  const outlineInk = hex(base, v.shade * 0.55);
  const rng = new Rng(v.foldSeed, 'folds');
  const pattern = patternDef(a.pattern, ink, v, rng);
  let folds = '';
  for (let i = 0; i < 3; i++) {
    const x = rng.uniform(30, 70), y = rng.uniform(30, 80), dx = rng.uniform(-10, 10), dy = rng.uniform(8, 16);
    folds += `<path d="M${x.toFixed(1)},${y.toFixed(1)} q${(dx / 2).toFixed(1)},${(dy / 2).toFixed(1)} ${dx.toFixed(1)},${dy.toFixed(1)}" ` +
      `fill="none" stroke="#000" stroke-opacity="0.13" stroke-width="1.4"/>`;
  }
  const t = `translate(${50 + v.dx},${50 + v.dy}) scale(${v.scale}) translate(-50,-50)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">` +
    `<defs><clipPath id="cl"><path d="${g.outline}"/></clipPath>${pattern}</defs>` +
    `<rect width="100" height="100" fill="#fff"/>` +
    `<g transform="${t}">` +
    `<path d="${g.outline}" fill="${fabric}"/>` +
    (pattern ? `<path d="${g.outline}" fill="url(#pt)"/>` : '') +
    `<g clip-path="url(#cl)">${folds}</g>` +
    g.details(outlineInk) +
    `<path d="${g.outline}" fill="none" stroke="${outlineInk}" stroke-width="1"/>` +
    `</g></svg>`;
}

/** Rasterizes an item: RGB bytes [size, size, 3] (HWC) on white. */
export async function renderItem(a: ItemAttributes, v: RenderVariation, size: number): Promise<Buffer> {
  return sharp(Buffer.from(itemSvg(a, v, size))).removeAlpha().raw().toBuffer();
}

/** Renders an item to a PNG file's bytes. */
export async function renderItemPng(a: ItemAttributes, v: RenderVariation, size: number): Promise<Buffer> {
  return sharp(Buffer.from(itemSvg(a, v, size))).removeAlpha().png().toBuffer();
}
