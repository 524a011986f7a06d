// The image pipeline: decode (sharp), flatten transparency onto white, pad to
// a square on white, resize, and lay out as CHW bytes; then to float tensors
// in [-1, 1] (NCHW) for the networks, and back to PNG for pictures.
import sharp from 'sharp';
import * as T from '../torch/index.js';
import { DatasetError } from './manifest.js';
import { encodePngRgb } from './png.js';

/**
 * Decodes one image (a file, or its bytes) to [3, size, size] bytes (CHW), padded to square on
 * white. `maxPixels` bounds the decoded input (sharp's limitInputPixels; default sharp's own).
 */
export async function loadImageBytes(file: string | Buffer, size: number, maxPixels?: number): Promise<Uint8Array> {
  let hwc: Buffer;
  const name = typeof file === 'string' ? file : '<uploaded image>';
  try {
    hwc = await sharp(file, maxPixels ? { limitInputPixels: maxPixels } : {})
      .flatten({ background: '#ffffff' })
      .resize(size, size, { fit: 'contain', background: '#ffffff', kernel: 'lanczos3' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer();
  } catch (e) {
    throw new DatasetError(name, null, `cannot decode image (${(e as Error).message.split('\n')[0]})`);
  }
  if (hwc.length !== size * size * 3) throw new DatasetError(name, null, `decoded to ${hwc.length} bytes, expected ${size * size * 3}`);
  return hwcToChw(hwc, size);
}

export function hwcToChw(hwc: Uint8Array, size: number): Uint8Array {
  const n = size * size;
  const chw = new Uint8Array(3 * n);
  for (let p = 0; p < n; p++) {
    chw[p] = hwc[3 * p]!;
    chw[n + p] = hwc[3 * p + 1]!;
    chw[2 * n + p] = hwc[3 * p + 2]!;
  }
  return chw;
}

/** uint8 images [N, 3, S, S] -> float32 in [-1, 1]. */
export function bytesToUnit(x: T.Tensor): T.Tensor {
  return T.sub(T.div(T.toDtype(x, 'float32'), 127.5), 1);
}

/** float images in [-1, 1] [N, 3, S, S] -> uint8 [N, 3, S, S] (clamped, rounded). */
export function unitToBytes(x: T.Tensor): T.Tensor {
  return T.toDtype(T.round(T.clamp(T.mul(T.add(x, 1), 127.5), 0, 255)), 'uint8');
}

/** PNG bytes of one image given as a [3, S, S] tensor in [-1, 1] (or uint8). */
export async function tensorToPng(img: T.Tensor): Promise<Buffer> {
  const [c, h, w] = img.shape as [number, number, number];
  if (c !== 3) throw new Error(`tensorToPng: expected [3, H, W], got [${img.shape.join(', ')}]`);
  const hwc = T.tidy(() => T.contiguous(T.permute(img.dtype === 'uint8' ? img : unitToBytes(img), [1, 2, 0])).bytes());
  return encodePngRgb(hwc, w, h);
}

/** A grid PNG of images [N, 3, S, S] (in [-1, 1] or uint8), `cols` per row, white gaps. */
export async function imageGridPng(imgs: T.Tensor, cols: number, gap = 2): Promise<Buffer> {
  const [n, , s] = imgs.shape as [number, number, number, number];
  const rows = Math.ceil(n / cols);
  const width = cols * s + (cols + 1) * gap, height = rows * s + (rows + 1) * gap;
  const tiles = await Promise.all(Array.from({ length: n }, (_, i) => T.tidy(() => T.select(imgs, 0, i).clone())).map(async (t) => {
    const png = await tensorToPng(t);
    t.dispose();
    return png;
  }));
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(tiles.map((input, i) => ({ input, left: gap + (i % cols) * (s + gap), top: gap + Math.floor(i / cols) * (s + gap) })))
    .png().toBuffer();
}
