// Product photos to square training images, once: H&M's studio photos are portrait (about 1:1.5)
// on white or light grey, framed by a line of darker pixels one or two pixels wide. Each is cut
// 1% in from every edge (the line goes), padded to a square with its own background colour (the
// per-channel median of its new outermost pixels: padding with white would draw a frame around a
// grey background) and resized (lanczos3) to `size`, then written as PNG. A photo already
// written (same size, newer than its source) is reused.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { DatasetError } from '../manifest.js';

/** The H&M layout's photo of an article: images/0XX/0XXXXXXXXX.jpg (XX: the id's first three digits). */
export const photoPath = (imagesDir: string, id: string): string => path.join(imagesDir, id.slice(0, 3), `${id}.jpg`);

/** The median of each channel over the image's border pixels: its background colour. */
export function borderColour(rgb: Uint8Array, width: number, height: number): { r: number; g: number; b: number } {
  const vals: number[][] = [[], [], []];
  const take = (x: number, y: number) => { for (let c = 0; c < 3; c++) vals[c]!.push(rgb[(y * width + x) * 3 + c]!); };
  for (let x = 0; x < width; x++) { take(x, 0); take(x, height - 1); }
  for (let y = 1; y < height - 1; y++) { take(0, y); take(width - 1, y); }
  const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1]!;
  return { r: median(vals[0]!), g: median(vals[1]!), b: median(vals[2]!) };
}

/** Writes `out` (a size x size PNG of `source` padded on its background colour) unless it is up to date. */
export async function squarePhoto(source: string, out: string, size: number): Promise<'written' | 'cached'> {
  if (!existsSync(source)) throw new DatasetError(source, null, 'photo not found');
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs) return 'cached';
  try {
    const meta = await sharp(source).metadata();
    const inset = Math.max(1, Math.round(0.01 * Math.min(meta.width!, meta.height!)));
    const { data, info } = await sharp(source).flatten({ background: '#ffffff' }).removeAlpha().toColourspace('srgb')
      .extract({ left: inset, top: inset, width: meta.width! - 2 * inset, height: meta.height! - 2 * inset }).raw().toBuffer({ resolveWithObject: true });
    const background = borderColour(data, info.width, info.height);
    mkdirSync(path.dirname(out), { recursive: true });
    await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
      .resize(size, size, { fit: 'contain', background, kernel: 'lanczos3' })
      .png()
      .toFile(out);
  } catch (e) {
    throw new DatasetError(source, null, `cannot decode photo (${(e as Error).message.split('\n')[0]})`);
  }
  return 'written';
}
