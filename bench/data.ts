// Benchmark: the data pipeline for a world preset: outfit sampling time,
// render throughput (items/s), per-split cache build time (decode every image
// once) and cache load time (what every later run pays).
//   npm run bench -- data [--preset demo|paper] [--out DIR]
import { rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { makeWorld, WORLD_PRESETS, type WorldPreset } from '../src/data/world/world.js';
import { writeWorld } from '../src/data/world/write.js';
import { loadManifest } from '../src/data/manifest.js';
import { loadSplitImages } from '../src/data/cache.js';
import { writeResult } from './results.js';

const { values } = parseArgs({ options: { preset: { type: 'string', default: 'demo' }, out: { type: 'string' } }, allowPositionals: true });
const preset = values.preset as WorldPreset;
if (!(preset in WORLD_PRESETS)) throw new Error(`unknown preset '${preset}'`);
const dir = path.resolve(values.out ?? path.join(os.tmpdir(), `pfd-bench-data-${preset}`));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const secs = (t0: number) => (performance.now() - t0) / 1000;

let t0 = performance.now();
const world = makeWorld({ ...WORLD_PRESETS[preset] });
const sampleS = secs(t0);
console.log(`[data] ${preset}: sampled ${world.outfits.length} outfits of ${world.users.length} users in ${sampleS.toFixed(1)} s`);
t0 = performance.now();
let last = 0;
await writeWorld(world, dir, (done, total) => {
  if (done - last >= total / 10) {
    last = done;
    console.log(`[data] rendered ${done}/${total}`);
  }
});
const renderS = secs(t0);
console.log(
  `[data] rendered ${world.items.length} items in ${renderS.toFixed(1)} s (${(world.items.length / renderS).toFixed(0)} items/s)`,
);
const d = loadManifest(path.join(dir, 'manifest.jsonl'));
const cache = path.join(dir, 'cache');
const splits: Record<string, { items: number; build_s: number; load_s: number }> = {};
for (const split of ['train', 'test'] as const) {
  t0 = performance.now();
  const built = await loadSplitImages(d, split, world.config.imageSize, cache);
  const buildS = secs(t0);
  const items = built.tops.size(0) + built.bottoms.size(0);
  built.dispose();
  t0 = performance.now();
  const loaded = await loadSplitImages(d, split, world.config.imageSize, cache);
  const loadS = secs(t0);
  if (!loaded.fromCache) throw new Error('cache was not reused');
  loaded.dispose();
  splits[split] = { items, build_s: buildS, load_s: loadS };
  console.log(`[data] ${split} cache: ${items} images decoded in ${buildS.toFixed(1)} s, loaded again in ${loadS.toFixed(2)} s`);
}
const file = writeResult(
  `data_${preset}`,
  {
    preset,
    users: world.users.length,
    items: world.items.length,
    outfits: world.outfits.length,
    image_size: world.config.imageSize,
    sample_s: sampleS,
    render_s: renderS,
    render_items_per_s: world.items.length / renderS,
    cache: splits,
  },
  `npm run bench -- data --preset ${preset}`,
);
console.log(`[data] -> ${file}`);
rmSync(dir, { recursive: true, force: true });
