// Dataset statistics and a contact sheet of outfits per user.
import sharp, { type OverlayOptions } from 'sharp';
import type { FashionDataset } from './manifest.js';

export interface DatasetStats {
  users: number;
  tops: number;
  bottoms: number;
  outfits: Record<string, number>; // per split
  perUser: { min: number; median: number; max: number }; // outfits per user
  skipped: number;
}

export function datasetStats(d: FashionDataset): DatasetStats {
  const outfits: Record<string, number> = {};
  const perUser = new Array<number>(d.users.length).fill(0);
  for (const o of d.outfits) {
    outfits[o.split] = (outfits[o.split] ?? 0) + 1;
    perUser[o.user]!++;
  }
  const sorted = [...perUser].sort((a, b) => a - b);
  return {
    users: d.users.length, tops: d.tops.length, bottoms: d.bottoms.length, outfits,
    perUser: { min: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 },
    skipped: d.skipped.length,
  };
}

/**
 * A PNG with one row per user (up to `users`) and `perUser` outfits per row,
 * each outfit its top above its bottom, on white.
 */
export async function contactSheet(d: FashionDataset, opts: { users?: number; perUser?: number; tile?: number } = {}): Promise<Buffer> {
  const nUsers = Math.min(opts.users ?? 8, d.users.length), perUser = opts.perUser ?? 8, tile = opts.tile ?? 64, gap = 6;
  const rows: { user: number; outfits: typeof d.outfits }[] = [];
  for (let u = 0; u < nUsers; u++) rows.push({ user: u, outfits: d.outfits.filter((o) => o.user === u).slice(0, perUser) });
  const labelW = 90;
  const width = labelW + perUser * (tile + gap), rowH = 2 * tile + gap;
  const height = nUsers * (rowH + gap) + gap;
  const layers: OverlayOptions[] = [];
  for (const [r, row] of rows.entries()) {
    const y = gap + r * (rowH + gap);
    const label = `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW}" height="${rowH}"><text x="6" y="${rowH / 2}" font-family="sans-serif" font-size="13" fill="#333">${escapeXml(d.users[row.user]!)}</text></svg>`;
    layers.push({ input: Buffer.from(label), left: 0, top: y });
    for (const [c, o] of row.outfits.entries()) {
      const x = labelW + c * (tile + gap);
      for (const [k, item] of [d.tops[o.top]!, d.bottoms[o.bottom]!].entries()) {
        const img = await sharp(item.path).flatten({ background: '#ffffff' }).resize(tile, tile, { fit: 'contain', background: '#ffffff' }).png().toBuffer();
        layers.push({ input: img, left: x, top: y + k * tile });
      }
    }
  }
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(layers).png().toBuffer();
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
