// Preprocessed image cache, one file per split and resolution:
//   CACHE/<split>-<size>.safetensors
//     tops     uint8 [Nt, 3, S, S]     the split's top images, decoded once
//     bottoms  uint8 [Nb, 3, S, S]
//     top_ids / bottom_ids  int64     their indices in the dataset's item lists
//   metadata: dataset name, size, a fingerprint of the item paths and sizes.
// Epochs after the first (and later runs) never decode an image again. A
// cache whose fingerprint no longer matches the dataset is rebuilt.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import * as T from '../torch/index.js';
import { loadImageBytes } from './images.js';
import type { DatasetOutfit, DatasetSplit, FashionDataset, SkippedLine } from './manifest.js';

export interface SplitImages {
  split: DatasetSplit;
  size: number;
  tops: T.Tensor; // uint8 [Nt, 3, S, S]  (kept: dispose() when done)
  bottoms: T.Tensor; // uint8 [Nb, 3, S, S]
  topRow: Map<number, number>; // dataset top index -> row in `tops`
  bottomRow: Map<number, number>;
  outfits: DatasetOutfit[]; // the split's outfits whose images are usable
  skipped: SkippedLine[];
  fromCache: boolean;
  dispose(): void;
}

export interface CacheOptions {
  skipBad?: boolean;
  onProgress?: (done: number, total: number) => void;
  concurrency?: number;
}

function fingerprint(d: FashionDataset, tops: number[], bottoms: number[], size: number): string {
  const h = createHash('sha256');
  h.update(`${d.name}|${size}|`);
  for (const [list, idx] of [[d.tops, tops], [d.bottoms, bottoms]] as const) {
    for (const i of idx) {
      const it = list[i]!;
      let st = '';
      try {
        const s = statSync(it.path);
        st = `${s.size}:${Math.floor(s.mtimeMs)}`;
      } catch { /* missing: the decode step reports it */ }
      h.update(`${it.id}|${st}\n`);
    }
  }
  return h.digest('hex').slice(0, 32);
}

export async function loadSplitImages(d: FashionDataset, split: DatasetSplit, size: number, cacheDir: string, opts: CacheOptions = {}): Promise<SplitImages> {
  const outfits = d.outfits.filter((o) => o.split === split);
  if (outfits.length === 0) throw new Error(`${d.name}: no outfits in split '${split}'`);
  const tops = [...new Set(outfits.map((o) => o.top))].sort((a, b) => a - b);
  const bottoms = [...new Set(outfits.map((o) => o.bottom))].sort((a, b) => a - b);
  const fp = fingerprint(d, tops, bottoms, size);
  const file = path.join(cacheDir, `${split}-${size}.safetensors`);
  const rows = (ids: number[]) => new Map(ids.map((id, r) => [id, r]));
  if (existsSync(file)) {
    const { tensors, metadata } = T.loadTensors(file);
    if (metadata.fingerprint === fp) {
      const keepTops = T.keep(tensors.get('tops')!), keepBottoms = T.keep(tensors.get('bottoms')!);
      const topIds = tensors.get('top_ids')!.toArray(), bottomIds = tensors.get('bottom_ids')!.toArray();
      T.dispose([tensors.get('top_ids'), tensors.get('bottom_ids')]);
      const topRow = rows(topIds), bottomRow = rows(bottomIds);
      const usable = outfits.filter((o) => topRow.has(o.top) && bottomRow.has(o.bottom));
      const skipped = JSON.parse(metadata.skipped ?? '[]') as SkippedLine[];
      return { split, size, tops: keepTops, bottoms: keepBottoms, topRow, bottomRow, outfits: usable, skipped, fromCache: true, dispose: () => T.dispose([keepTops, keepBottoms]) };
    }
    T.dispose([...tensors.values()]);
  }
  // Decode every image of the split once.
  const skipped: SkippedLine[] = [];
  const total = tops.length + bottoms.length;
  let done = 0;
  const decode = async (list: FashionDataset['tops'], idx: number[]) => {
    const out: (Uint8Array | null)[] = new Array(idx.length).fill(null);
    let next = 0;
    await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, async () => {
      while (next < idx.length) {
        const k = next++;
        try {
          out[k] = await loadImageBytes(list[idx[k]!]!.path, size);
        } catch (e) {
          if (!opts.skipBad) throw e;
          skipped.push({ file: list[idx[k]!]!.path, line: 0, reason: (e as Error).message });
        }
        opts.onProgress?.(++done, total);
      }
    }));
    return out;
  };
  const topBytes = await decode(d.tops, tops), bottomBytes = await decode(d.bottoms, bottoms);
  const pack = (ids: number[], bytes: (Uint8Array | null)[]) => {
    const okIds = ids.filter((_, k) => bytes[k]);
    const buf = new Uint8Array(okIds.length * 3 * size * size);
    let r = 0;
    bytes.forEach((b) => { if (b) buf.set(b, (r++) * b.length); });
    return { ids: okIds, tensor: T.keep(T.tensor(buf, { dtype: 'uint8', shape: [okIds.length, 3, size, size] })) };
  };
  const t = pack(tops, topBytes), b = pack(bottoms, bottomBytes);
  const topRow = rows(t.ids), bottomRow = rows(b.ids);
  const usable = outfits.filter((o) => topRow.has(o.top) && bottomRow.has(o.bottom));
  if (usable.length < outfits.length) {
    skipped.push({ file: d.root, line: 0, reason: `${outfits.length - usable.length} ${split} outfit(s) dropped: an image could not be decoded` });
  }
  mkdirSync(cacheDir, { recursive: true });
  T.tidy(() => T.saveTensors(file, {
    tops: t.tensor, bottoms: b.tensor,
    top_ids: T.tensor(t.ids, { dtype: 'int64' }), bottom_ids: T.tensor(b.ids, { dtype: 'int64' }),
  }, { dataset: d.name, split, size: String(size), fingerprint: fp, skipped: JSON.stringify(skipped) }));
  return { split, size, tops: t.tensor, bottoms: b.tensor, topRow, bottomRow, outfits: usable, skipped, fromCache: false, dispose: () => T.dispose([t.tensor, b.tensor]) };
}

/** The cached images of dataset items of one category (indices into the dataset's tops or bottoms): uint8 [N, 3, S, S], caller's scope. */
export function splitItemBytes(split: SplitImages, category: 'top' | 'bottom', ids: ArrayLike<number>): T.Tensor {
  const rowOf = category === 'top' ? split.topRow : split.bottomRow;
  const rows = Array.from(ids, (id) => {
    const r = rowOf.get(id);
    if (r === undefined) throw new Error(`${category} ${id} is not in the ${split.split} image cache`);
    return r;
  });
  return T.indexSelect(category === 'top' ? split.tops : split.bottoms, 0, T.tensor(rows, { dtype: 'int64' }));
}
