// Packs a trained run as a pretrained model in the repository:
//   npx tsx scripts/make_pretrained.ts RUN_DIR pretrained/NAME
// writes pretrained/NAME/model.safetensors (the serving snapshot, float32, with its
// config and user ids; the dataset path made relative to the repository root, where
// `npm run demo` builds the world), metrics.jsonl (every light evaluation and every
// 10th training record, for the report's curves) and config.json. The README with the
// training command and figures is written by hand from the run's evaluation.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nn from '../src/nn/index.js';
import { openRun } from '../src/train/trained_model.js';
import { RunDir } from '../src/train/run_dir.js';

const [runDir, outDir] = process.argv.slice(2);
if (!runDir || !outDir) {
  console.error('usage: npx tsx scripts/make_pretrained.ts RUN_DIR pretrained/NAME');
  process.exit(2);
}
const trained = openRun(runDir, 'cpu', 'fp32');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = { ...trained.config, data: { ...trained.config.data, path: path.relative(root, path.resolve(trained.config.data.path)) } };
const out = new RunDir(outDir);
mkdirSync(out.dir, { recursive: true });
nn.saveModule(trained.model, out.model, { format: 'pfd-designer', config: JSON.stringify(config), users: JSON.stringify(trained.users), iteration: String(trained.iteration) });
writeFileSync(out.config, JSON.stringify(config, null, 2) + '\n');
const records = new RunDir(runDir).readMetrics();
const kept = records.filter((r) => r.phase === 'eval' || Number(r.iteration) % 10 === 0);
writeFileSync(out.metrics, kept.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`wrote ${out.model} (iteration ${trained.iteration}, data ${config.data.path}), ${kept.length} of ${records.length} metrics records`);
trained.dispose();
