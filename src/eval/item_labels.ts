// Item labels of a real data set (items.jsonl beside its manifest, written by `pfd data import hm`):
// each item's product type and colour group, by the dataset's item ids. They train the
// evaluation's domain classifier (label_classifier.ts) and give users' colour histories.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FashionDataset } from '../data/manifest.js';
import { DatasetError } from '../data/manifest.js';

export interface ItemLabels {
  productTypes: string[]; // class names, sorted
  colourGroups: string[];
  /** Per category, dataset item index -> [product type class, colour class]. */
  top: Map<number, [number, number]>;
  bottom: Map<number, [number, number]>;
  file: string;
}

/** The labels of a manifest dataset's items, or null when its folder has no items.jsonl. */
export function readItemLabels(d: FashionDataset): ItemLabels | null {
  const file = path.join(d.root, 'items.jsonl');
  if (!existsSync(file)) return null;
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .map((l, i) => [l, i + 1] as const)
    .filter(([l]) => l.trim());
  const parsed = rows.map(([l, line]) => {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(l);
    } catch {
      throw new DatasetError(file, line, 'malformed JSON');
    }
    for (const k of ['id', 'product_type', 'colour_group'])
      if (typeof r[k] !== 'string') throw new DatasetError(file, line, `missing or non-string field '${k}'`);
    return r as { id: string; product_type: string; colour_group: string };
  });
  const productTypes = [...new Set(parsed.map((r) => r.product_type))].sort();
  const colourGroups = [...new Set(parsed.map((r) => r.colour_group))].sort();
  const byId = new Map(
    parsed.map((r) => [r.id, [productTypes.indexOf(r.product_type), colourGroups.indexOf(r.colour_group)] as [number, number]]),
  );
  const index = (items: FashionDataset['tops']) =>
    new Map(items.flatMap((it, i) => (byId.has(it.id) ? [[i, byId.get(it.id)!] as const] : [])));
  return { productTypes, colourGroups, top: index(d.tops), bottom: index(d.bottoms), file };
}
