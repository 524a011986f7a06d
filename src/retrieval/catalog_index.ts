// An approximate nearest-neighbour index (hnswlib, HNSW graphs) over the real
// catalog items of one category, for design-and-retrieve (section 4.5, Fig. 6).
// Built once per (run snapshot, catalog, embedding) and saved next to the run:
//   RUN/retrieval/<category>-<embedding>-<key>.hnsw          the HNSW graph
//   RUN/retrieval/<category>-<embedding>-<key>.safetensors   F's codes of every item
//                                                           [N, latent] (to score s_{u,o})
//                                                           and the items' dataset indices
// `key` hashes the snapshot (iteration, size, mtime) and every item's id, size and
// mtime: a retrained model or a changed catalog gets a new index; stale files of
// the same category and embedding are removed when a new one is written.
// Embeddings (what "nearest" means; docs/retrieval.md compares them):
//   code    F's code z [latent] of the item (eval mode), L2: what the model itself
//           uses to judge compatibility
//   pixels  the image average-pooled to 16x16 [768], L2: plain appearance
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Hnsw from 'hnswlib-node';
import * as T from '../torch/index.js';
import type { Category } from '../models/designer.js';
import type { TrainedModel } from '../run/trained_model.js';
import type { FashionDataset } from '../data/manifest.js';
import { loadImageBytes, bytesToUnit } from '../data/images.js';
import { itemCodes } from '../models/item_codes.js';
import { requireDesigner } from '../models/fashion_model.js';

// hnswlib's native addon is loaded on first use, so that commands which never retrieve don't need it.
let hnswlib: typeof Hnsw | null = null;
const hnsw = (): typeof Hnsw => (hnswlib ??= createRequire(import.meta.url)('hnswlib-node') as typeof Hnsw);

export type RetrievalEmbedding = 'code' | 'pixels';
export const RETRIEVAL_EMBEDDINGS: readonly RetrievalEmbedding[] = ['code', 'pixels'];

export interface CatalogIndex {
  category: Category;
  embedding: RetrievalEmbedding;
  items: number[]; // label -> dataset item index (of `category`)
  codes: T.Tensor; // F's codes of the items [N, latent], CPU (kept)
  hnsw: Hnsw.HierarchicalNSW;
  file: string;
  built: boolean; // false: read from disk
  seconds: number;
  dispose(): void;
}

/** Embeds images in [-1, 1] [N, 3, S, S] (the model's size) for the index -> rows of numbers. */
export function embedForIndex(trained: TrainedModel, images: T.Tensor, embedding: RetrievalEmbedding, device: T.Device): Float32Array[] {
  return T.tidy(() => {
    const e =
      embedding === 'code'
        ? itemCodes(
            requireDesigner(trained.model, "retrieval by F's codes"),
            T.toDtype(T.round(T.mul(T.add(images, 1), 127.5)), 'uint8'),
            device,
          ) // [N, latent]
        : T.reshape(T.adaptiveAvgPool2d(T.toDtype(images, 'float32'), [16, 16]), [images.size(0), -1]); // [N, 768]
    const flat = T.toDevice(T.contiguous(T.toDtype(e, 'float32')), 'cpu').data() as Float32Array;
    const d = e.size(1);
    return Array.from({ length: e.size(0) }, (_, i) => flat.subarray(i * d, (i + 1) * d));
  });
}

function catalogKey(trained: TrainedModel, dataset: FashionDataset, category: Category, embedding: RetrievalEmbedding): string {
  const h = createHash('sha256');
  const m = statSync(trained.run.model);
  h.update(`${embedding}|${category}|${trained.iteration}|${m.size}|${Math.floor(m.mtimeMs)}|`);
  for (const it of category === 'top' ? dataset.tops : dataset.bottoms) {
    let st = '';
    try {
      const s = statSync(it.path);
      st = `${s.size}:${Math.floor(s.mtimeMs)}`;
    } catch {
      /* a missing image is reported when it is read */
    }
    h.update(`${it.id}|${st}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

/** The index of every `category` item of `dataset`, read from the run folder or built there. */
export async function openCatalogIndex(
  trained: TrainedModel,
  dataset: FashionDataset,
  category: Category,
  embedding: RetrievalEmbedding,
  opts: { device?: T.Device; onProgress?: (phase: string, done: number, total: number) => void } = {},
): Promise<CatalogIndex> {
  const t0 = performance.now();
  const designer = requireDesigner(trained.model, 'design-and-retrieve');
  const device = opts.device ?? 'cpu';
  const dir = path.join(trained.run.dir, 'retrieval');
  const stem = `${category}-${embedding}-${catalogKey(trained, dataset, category, embedding)}`;
  const file = path.join(dir, `${stem}.hnsw`),
    codesFile = path.join(dir, `${stem}.safetensors`);
  const list = category === 'top' ? dataset.tops : dataset.bottoms;
  if (list.length === 0) throw new Error(`${dataset.name} has no ${category}s to retrieve`);
  let index: Hnsw.HierarchicalNSW,
    codes: T.Tensor,
    items: number[],
    built = false;
  if (existsSync(file) && existsSync(codesFile)) {
    const { tensors } = T.loadTensors(codesFile);
    codes = tensors.get('codes')!;
    const ids = tensors.get('items')!;
    items = ids.toArray();
    ids.dispose();
    index = new (hnsw().HierarchicalNSW)('l2', embedding === 'code' ? codes.size(1) : 768);
    index.readIndexSync(file);
  } else {
    // Decode every item once, in batches: embed for the index and keep F's codes.
    items = list.map((_, i) => i);
    const rows: Float32Array[] = [];
    const codeParts: T.Tensor[] = [];
    const batch = 256;
    for (let a = 0; a < items.length; a += batch) {
      const part = items.slice(a, a + batch);
      const size = trained.imageSize,
        plane = 3 * size * size;
      const bytes = new Uint8Array(part.length * plane);
      for (let j = 0; j < part.length; j++) bytes.set(await loadImageBytes(list[part[j]!]!.path, size), j * plane);
      T.tidy(() => {
        const u8 = T.tensor(bytes, { dtype: 'uint8', shape: [part.length, 3, size, size] });
        codeParts.push(T.keep(T.toDevice(itemCodes(designer, u8, device), 'cpu')));
        rows.push(...embedForIndex(trained, bytesToUnit(u8), embedding, device));
      });
      opts.onProgress?.(`indexing ${category}s (${embedding})`, Math.min(a + batch, items.length), items.length);
    }
    codes = T.tidy(() => T.keep(T.cat(codeParts)));
    T.dispose(codeParts);
    index = new (hnsw().HierarchicalNSW)('l2', rows[0]!.length);
    index.initIndex(items.length, 16, 200, 1);
    rows.forEach((r, i) => index.addPoint(Array.from(r), i));
    mkdirSync(dir, { recursive: true });
    // Stale indexes of this category and embedding go; the new one is written under temporary names, then renamed.
    for (const f of readdirSync(dir))
      if (f.startsWith(`${category}-${embedding}-`) && !f.startsWith(stem)) rmSync(path.join(dir, f), { force: true });
    const tmp = `${file}.tmp-${process.pid}`;
    index.writeIndexSync(tmp);
    T.tidy(() =>
      T.saveTensors(
        codesFile,
        { codes, items: T.tensor(items, { dtype: 'int64' }) },
        { format: 'pfd-retrieval-index', category, embedding },
      ),
    );
    renameSync(tmp, file);
    built = true;
  }
  index.setEf(Math.max(64, Math.min(items.length, 256)));
  return {
    category,
    embedding,
    items,
    codes,
    hnsw: index,
    file,
    built,
    seconds: (performance.now() - t0) / 1000,
    dispose: () => codes.dispose(),
  };
}
