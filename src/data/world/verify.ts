// Checks a written world against its ground truth through the oracle
// classifier: do the rendered images carry the attributes world.json says?
import path from 'node:path';
import * as T from '../../torch/index.js';
import { loadImageBytes, bytesToUnit } from '../images.js';
import { categoryOf } from './attributes.js';
import type { AttributeClassifier } from './classifier.js';
import type { World } from './world.js';
import { Rng } from '../rng.js';

export interface RenderAgreement {
  items: number;
  silhouette: number;
  category: number;
  colour: number;
  pattern: number;
  secondary: number; // over patterned items
}

export async function verifyRenders(world: World, dir: string, model: AttributeClassifier, maxItems = 2000): Promise<RenderAgreement> {
  const rng = new Rng(world.config.seed, 'verify');
  const items = world.items.length <= maxItems ? world.items : rng.shuffle([...world.items]).slice(0, maxItems);
  const size = world.config.imageSize;
  const agree = { silhouette: 0, category: 0, colour: 0, pattern: 0, secondary: 0 };
  let patterned = 0;
  for (let s = 0; s < items.length; s += 128) {
    const chunk = items.slice(s, s + 128);
    const bytes = await Promise.all(chunk.map((it) => loadImageBytes(path.join(dir, 'images', `${it.id}.png`), size)));
    const flat = new Uint8Array(chunk.length * 3 * size * size);
    bytes.forEach((b, i) => flat.set(b, i * b.length));
    const preds = T.tidy(() => model.classify(bytesToUnit(T.tensor(flat, { dtype: 'uint8', shape: [chunk.length, 3, size, size] }))));
    preds.forEach((p, i) => {
      const t = chunk[i]!;
      if (p.silhouette === t.silhouette) agree.silhouette++;
      if (categoryOf(p.silhouette) === t.category) agree.category++;
      if (p.colour === t.colour) agree.colour++;
      if (p.pattern === t.pattern) agree.pattern++;
      if (t.pattern !== 'solid') {
        patterned++;
        if (p.secondary === t.secondary) agree.secondary++;
      }
    });
  }
  const n = items.length;
  return { items: n, silhouette: agree.silhouette / n, category: agree.category / n, colour: agree.colour / n, pattern: agree.pattern / n, secondary: agree.secondary / Math.max(1, patterned) };
}
