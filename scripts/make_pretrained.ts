// Packs a trained run as a pretrained model in the repository:
//   npx tsx scripts/make_pretrained.ts RUN_DIR pretrained/NAME
// writes pretrained/NAME/model.safetensors (the serving snapshot, float32, with its
// config and user ids; the dataset path made relative to the repository root, where
// `npm run demo` builds the world), metrics.jsonl (every light evaluation and every
// 10th training record, for the report's curves; a warm-started run's after those of the
// snapshot it started from) and config.json. The README with the
// training command and figures is written by hand from the run's evaluation.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nn from '../src/nn/index.js';
import { openRun } from '../src/run/trained_model.js';
import { RunDir, readServingMetadata, checkSameUsers } from '../src/run/run_dir.js';
import * as T from '../src/torch/index.js';
import { isDesigner } from '../src/models/fashion_model.js';
import type { Designer } from '../src/models/designer.js';
import { fillColourHistory } from '../src/train/colour_history.js';
import { loadDataset, imageCacheDir } from '../src/data/load.js';
import { loadSplitImages } from '../src/data/cache.js';

const [runDir, outDir] = process.argv.slice(2);
if (!runDir || !outDir) {
  console.error('usage: npx tsx scripts/make_pretrained.ts RUN_DIR pretrained/NAME');
  process.exit(2);
}
const trained = openRun(runDir, 'cpu', 'fp32');
// Colour histories recounted from the run's training split with today's definition (colour_modes.ts):
// the same values for a run trained with this code, and the lift for one trained before it.
if (isDesigner(trained.model) && trained.model.colourHistories.size > 0) {
  const dataset = loadDataset(trained.config.data);
  checkSameUsers(dataset.users, trained.users.slice(0, trained.trainedUsers), trained.config.data.path, trained.run.dir);
  const split = await loadSplitImages(dataset, 'train', 64, imageCacheDir(trained.config.data), { skipBad: trained.config.data.skipBad });
  T.noGrad(() => fillColourHistory(trained.model as Designer, split));
  split.dispose();
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Paths relative to the repository root (a warm-started run's snapshot path too).
const rel = (p: string) => path.relative(root, path.resolve(p));
const config = {
  ...trained.config,
  data: { ...trained.config.data, path: rel(trained.config.data.path) },
  ...(trained.config.initFrom ? { initFrom: rel(trained.config.initFrom) } : {}),
};
// A warm-started run (--init-from): its iteration counts both stages, and its curves continue
// those of the snapshot it started from (read before anything is written: the output may be
// that snapshot's folder).
let offset = 0;
let earlier: Record<string, unknown>[] = [];
if (trained.config.initFrom) {
  const source = path.resolve(trained.config.initFrom);
  offset = readServingMetadata(source).iteration;
  const sourceDir = new RunDir(path.dirname(source));
  if (existsSync(sourceDir.metrics)) earlier = sourceDir.readMetrics().filter((r) => Number(r.iteration) <= offset);
}
const records: Record<string, unknown>[] = [
  ...earlier,
  ...new RunDir(runDir)
    .readMetrics()
    .filter((r) => !(offset > 0 && r.iteration === 0))
    .map((r) => ({ ...r, iteration: Number(r.iteration) + offset })),
];
const kept = records.filter((r) => r.phase === 'eval' || Number(r.iteration) % 10 === 0);
const iteration = offset + trained.iteration;
const out = new RunDir(outDir);
mkdirSync(out.dir, { recursive: true });
nn.saveModule(trained.model, out.model, {
  format: 'pfd-designer',
  config: JSON.stringify(config),
  users: JSON.stringify(trained.users),
  iteration: String(iteration),
});
writeFileSync(out.config, JSON.stringify(config, null, 2) + '\n');
writeFileSync(out.metrics, kept.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(
  `wrote ${out.model} (iteration ${iteration}${offset ? `: ${offset} before the warm start, ${trained.iteration} after` : ''}, data ${config.data.path}), ${kept.length} of ${records.length} metrics records`,
);
trained.dispose();
