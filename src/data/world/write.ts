// Writes a world to disk: world.json (config and ground truth: every item's
// attributes and render variation, every user's taste), images/<id>.png
// (product photos at the world's size) and manifest.jsonl (the generic format).
import { mkdirSync, writeFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { renderItemPng } from './render.js';
import type { World } from './world.js';

export interface WriteProgress {
  (done: number, total: number): void;
}

export async function writeWorld(world: World, dir: string, onProgress?: WriteProgress): Promise<void> {
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  const size = world.config.imageSize;
  const items = world.items;
  let done = 0;
  const concurrency = 8;
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const it = items[next++]!;
      const file = path.join(dir, 'images', `${it.id}.png`);
      writeFileSync(file, await renderItemPng(it, it.variation, size));
      onProgress?.(++done, items.length);
    }
  }));
  writeFileSync(path.join(dir, 'world.json'), JSON.stringify(world));
  const lines = world.outfits.map((o) => JSON.stringify({ user: o.user, top: `images/${o.top}.png`, bottom: `images/${o.bottom}.png`, split: o.split }));
  writeFileSync(path.join(dir, 'manifest.jsonl'), lines.join('\n') + '\n');
}

export function readWorld(dir: string): World {
  const file = path.join(dir, 'world.json');
  if (!existsSync(file)) throw new Error(`${file} not found: '${dir}' is not a synthetic world folder (make one with 'pfd data make')`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as World;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** The synthetic world folder a dataset path belongs to (it holds world.json), or null. */
export function worldRoot(dataPath: string): string | null {
  const p = path.resolve(dataPath);
  const dir = existsSync(p) && statSync(p).isFile() ? path.dirname(p) : p;
  return existsSync(path.join(dir, 'world.json')) ? dir : null;
}

