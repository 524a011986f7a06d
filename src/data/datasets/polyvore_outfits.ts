// Polyvore Outfits (Vasileva et al., ECCV 2018), from its published layout:
//   ROOT/{nondisjoint,disjoint}/{train,valid,test}.json   [{set_id, items: [{item_id, index}]}]
//   ROOT/polyvore_item_metadata.json                      {item_id: {semantic_category, ...}}
//   ROOT/images/<item_id>.jpg
// It has no user ids. Each outfit contributes its first 'tops' item and
// first 'bottoms' item, under ONE pseudo-user ("all"): the data serves the
// compatibility part and the unpersonalized baselines (a single theta_u).
// Outfits without both a top and a bottom are counted, not loaded.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DatasetBuilder, DatasetError, type DatasetSplit, type FashionDataset, type LoadOptions } from '../manifest.js';

export interface PolyvoreOutfitsOptions extends LoadOptions {
  version?: 'nondisjoint' | 'disjoint';
  checkImages?: boolean;
}

export const PSEUDO_USER = 'all';

export function loadPolyvoreOutfits(root: string, opts: PolyvoreOutfitsOptions = {}): FashionDataset & { withoutTopAndBottom: number } {
  const version = opts.version ?? 'nondisjoint';
  const metaFile = path.join(root, 'polyvore_item_metadata.json');
  if (!existsSync(metaFile)) throw new DatasetError(metaFile, null, 'Polyvore Outfits metadata not found');
  let meta: Record<string, { semantic_category?: string }>;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8'));
  } catch (e) {
    throw new DatasetError(metaFile, null, `not valid JSON (${(e as Error).message})`);
  }
  const b = new DatasetBuilder(`polyvore-outfits-${version}`, root);
  let withoutTopAndBottom = 0;
  const check = opts.checkImages ?? true;
  const splits: [string, DatasetSplit][] = [['train', 'train'], ['valid', 'val'], ['test', 'test']];
  for (const [name, split] of splits) {
    const file = path.join(root, version, `${name}.json`);
    if (!existsSync(file)) {
      if (split === 'val') continue;
      throw new DatasetError(file, null, 'split file not found');
    }
    let outfits: { set_id?: string; items?: { item_id?: string }[] }[];
    try {
      outfits = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new DatasetError(file, null, `not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(outfits)) throw new DatasetError(file, null, 'expected a JSON array of outfits');
    outfits.forEach((o, k) => {
      const where = k + 1; // the outfit's position, reported as the "line"
      if (!o || !Array.isArray(o.items)) return b.bad(!!opts.skipBad, file, where, `outfit ${o?.set_id ?? k} has no items array`);
      const ids = o.items.map((it) => String(it.item_id));
      const unknown = ids.find((id) => !meta[id]);
      if (unknown) return b.bad(!!opts.skipBad, file, where, `outfit ${o.set_id}: item ${unknown} is not in polyvore_item_metadata.json`);
      const top = ids.find((id) => meta[id]!.semantic_category === 'tops');
      const bottom = ids.find((id) => meta[id]!.semantic_category === 'bottoms');
      if (!top || !bottom) {
        withoutTopAndBottom++;
        return;
      }
      const items = [top, bottom].map((id) => ({ id, path: path.join(root, 'images', `${id}.jpg`) }));
      if (check) {
        const missing = items.find((x) => !existsSync(x.path));
        if (missing) return b.bad(!!opts.skipBad, file, where, `outfit ${o.set_id}: image not found: ${missing.path}`);
      }
      b.add(PSEUDO_USER, items[0]!, items[1]!, split);
    });
  }
  return { ...b.finish(path.join(root, version)), withoutTopAndBottom };
}
