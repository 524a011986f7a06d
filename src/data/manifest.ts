// The generic dataset manifest (JSONL), which `pfd data make` writes and any
// dataset can be converted to. One outfit per line:
//   {"user": "u0003", "top": "images/t000042.png", "bottom": "images/b000007.png", "split": "train"}
// Image paths are relative to the manifest's folder; split is train | val | test.
// Bad lines are errors naming the file and line, or, with skipBad, skipped
// and counted in the dataset's `skipped` list. Nothing is dropped silently.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type DatasetSplit = 'train' | 'val' | 'test';
export const SPLITS: readonly DatasetSplit[] = ['train', 'val', 'test'];

export interface DatasetItem {
  id: string; // unique within its category (the image path, relative to the root)
  path: string; // absolute image path
}

export interface DatasetOutfit {
  user: number; // index into users
  top: number; // index into tops
  bottom: number; // index into bottoms
  split: DatasetSplit;
}

export interface SkippedLine {
  file: string;
  line: number;
  reason: string;
}

export interface FashionDataset {
  name: string;
  root: string;
  users: string[];
  tops: DatasetItem[];
  bottoms: DatasetItem[];
  outfits: DatasetOutfit[];
  skipped: SkippedLine[];
}

export class DatasetError extends Error {
  constructor(readonly file: string, readonly line: number | null, message: string) {
    super(`${file}${line ? `:${line}` : ''}: ${message}`);
    this.name = 'DatasetError';
  }
}

/** Collects users and items by id while a loader reads outfits. */
export class DatasetBuilder {
  private readonly userIndex = new Map<string, number>();
  private readonly topIndex = new Map<string, number>();
  private readonly bottomIndex = new Map<string, number>();
  readonly data: FashionDataset;

  constructor(name: string, root: string) {
    this.data = { name, root, users: [], tops: [], bottoms: [], outfits: [], skipped: [] };
  }

  private index(map: Map<string, number>, list: unknown[], key: string, make: () => unknown): number {
    let i = map.get(key);
    if (i === undefined) {
      i = list.length;
      list.push(make());
      map.set(key, i);
    }
    return i;
  }

  add(user: string, top: DatasetItem, bottom: DatasetItem, split: DatasetSplit): void {
    this.data.outfits.push({
      user: this.index(this.userIndex, this.data.users, user, () => user),
      top: this.index(this.topIndex, this.data.tops, top.id, () => top),
      bottom: this.index(this.bottomIndex, this.data.bottoms, bottom.id, () => bottom),
      split,
    });
  }

  /** Records a bad line, or throws when bad lines are errors. */
  bad(skipBad: boolean, file: string, line: number, reason: string): void {
    if (!skipBad) throw new DatasetError(file, line, reason);
    this.data.skipped.push({ file, line, reason });
  }

  finish(file: string): FashionDataset {
    if (this.data.outfits.length === 0) throw new DatasetError(file, null, 'no usable outfits');
    return this.data;
  }
}

export interface LoadOptions {
  /** Skip (and count) bad lines instead of failing on the first. */
  skipBad?: boolean;
}

export function loadManifest(file: string, opts: LoadOptions = {}): FashionDataset {
  if (!existsSync(file)) throw new DatasetError(file, null, 'manifest not found');
  const root = path.dirname(path.resolve(file));
  const b = new DatasetBuilder(path.basename(root), root);
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((text, i) => {
    const line = i + 1;
    if (!text.trim()) return;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(text);
    } catch {
      return b.bad(!!opts.skipBad, file, line, 'malformed JSON');
    }
    for (const k of ['user', 'top', 'bottom', 'split']) {
      if (typeof rec[k] !== 'string' || !(rec[k] as string)) return b.bad(!!opts.skipBad, file, line, `missing or non-string field '${k}'`);
    }
    const split = rec.split as DatasetSplit;
    if (!SPLITS.includes(split)) return b.bad(!!opts.skipBad, file, line, `unknown split '${split}' (expected train, val or test)`);
    const items: DatasetItem[] = [];
    for (const k of ['top', 'bottom'] as const) {
      const abs = path.resolve(root, rec[k] as string);
      if (!existsSync(abs)) return b.bad(!!opts.skipBad, file, line, `${k} image not found: ${abs}`);
      items.push({ id: rec[k] as string, path: abs });
    }
    b.add(rec.user as string, items[0]!, items[1]!, split);
  });
  return b.finish(file);
}
