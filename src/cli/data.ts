// `pfd data make` and `pfd data inspect`.
import { copyFileSync, mkdirSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeWorld, WORLD_PRESETS, type WorldConfig, type WorldPreset } from '../data/world/world.js';
import { writeWorld } from '../data/world/write.js';
import type { FashionDataset } from '../data/manifest.js';
import { DATASET_FORMATS, datasetSource, loadDataset, type DatasetSpec } from '../data/load.js';
import { contactSheet, datasetStats } from '../data/inspect.js';
import { progressBar, phasedProgress } from './progress.js';
import { ensureClassifier } from '../data/world/oracle_classifier_cache.js';
import { verifyRenders } from '../data/world/verify.js';
import { UsageError } from './errors.js';

export const DATA_USAGE = `pfd data make [--preset demo|paper] [--size N] [--seed N] [--users N] [--train-per-user N] [--test-per-user N]
              [--tops N] [--bottoms N] [--no-classifier] [--force] --out DIR
pfd data inspect PATH [--format manifest|polyvore-u|polyvore-outfits] [--set 630|519|53|32] [--images DIR]
              [--version nondisjoint|disjoint] [--sheet FILE.png] [--skip-bad]`;

function intFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

export async function dataMake(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string', default: 'demo' },
      size: { type: 'string' },
      seed: { type: 'string' },
      users: { type: 'string' },
      'train-per-user': { type: 'string' },
      'test-per-user': { type: 'string' },
      tops: { type: 'string' },
      bottoms: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      'no-classifier': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.out) throw new UsageError('pfd data make needs --out DIR');
  if (!(values.preset! in WORLD_PRESETS))
    throw new UsageError(`unknown preset '${values.preset}' (expected ${Object.keys(WORLD_PRESETS).join(' or ')})`);
  const out = path.resolve(values.out);
  if (existsSync(out) && readdirSync(out).length > 0 && !values.force) {
    throw new UsageError(`${out} exists and is not empty: choose another --out, or pass --force to overwrite it`);
  }
  const config: WorldConfig = { ...WORLD_PRESETS[values.preset as WorldPreset] };
  config.imageSize = intFlag('size', values.size) ?? config.imageSize;
  config.seed = intFlag('seed', values.seed) ?? config.seed;
  config.users = intFlag('users', values.users) ?? config.users;
  config.trainPerUser = intFlag('train-per-user', values['train-per-user']) ?? config.trainPerUser;
  config.testPerUser = intFlag('test-per-user', values['test-per-user']) ?? config.testPerUser;
  config.tops = intFlag('tops', values.tops) ?? config.tops;
  config.bottoms = intFlag('bottoms', values.bottoms) ?? config.bottoms;
  const t0 = performance.now();
  let world;
  try {
    world = makeWorld(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const tWorld = performance.now() - t0;
  mkdirSync(out, { recursive: true });
  const bar = progressBar('rendering items', world.items.length);
  const t1 = performance.now();
  await writeWorld(world, out, (done) => bar.update(done));
  bar.stop();
  const tRender = performance.now() - t1;
  console.log(
    `world '${values.preset}' (seed ${config.seed}): ${world.users.length} users, ${world.items.length} items, ${world.outfits.length} outfits, ${config.imageSize}x${config.imageSize}`,
  );
  console.log(
    `  sampled outfits in ${(tWorld / 1000).toFixed(1)} s; rendered ${(world.items.length / (tRender / 1000)).toFixed(0)} items/s`,
  );
  console.log(`  wrote ${path.join(out, 'manifest.jsonl')}, ${path.join(out, 'world.json')} and ${world.items.length} images`);
  if (values['no-classifier']) return;
  // The oracle: an attribute classifier trained on renders (once per machine and size), checked on this world.
  const progress = phasedProgress();
  const oracle = await ensureClassifier(config.imageSize, progress.update);
  progress.stop();
  copyFileSync(oracle.file, path.join(out, 'oracle-classifier.safetensors'));
  const acc = oracle.report.accuracy;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(
    `oracle classifier ${oracle.trained ? `trained in ${oracle.report.seconds.toFixed(0)} s` : `from ${oracle.file}`}; held-out accuracy: ` +
      `silhouette ${pct(acc.silhouette)}, category ${pct(acc.category)}, colour ${pct(acc.colour)}, pattern ${pct(acc.pattern)}, pattern colour ${pct(acc.secondary)}`,
  );
  const agreement = await verifyRenders(world, out, oracle.model);
  writeFileSync(path.join(out, 'oracle-report.json'), JSON.stringify({ classifier: oracle.report, renders: agreement }, null, 2) + '\n');
  console.log(
    `  this world's renders read back as their ground truth (${agreement.items} items): silhouette ${pct(agreement.silhouette)}, ` +
      `colour ${pct(agreement.colour)}, pattern ${pct(agreement.pattern)}, pattern colour ${pct(agreement.secondary)}`,
  );
  oracle.model.dispose();
}

const FORMATS = DATASET_FORMATS;

export async function dataInspect(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      sheet: { type: 'string' },
      'skip-bad': { type: 'boolean', default: false },
      format: { type: 'string', default: 'manifest' },
      set: { type: 'string', default: '630' },
      images: { type: 'string' },
      version: { type: 'string', default: 'nondisjoint' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('pfd data inspect takes one dataset folder (or manifest file)');
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`unknown --format '${values.format}' (expected ${FORMATS.join(', ')})`);
  const spec: DatasetSpec = {
    path: positionals[0]!,
    format,
    set: values.set,
    images: values.images,
    version: values.version,
    skipBad: values['skip-bad']!,
  };
  const target = path.resolve(spec.path);
  const where = datasetSource(spec);
  let d: FashionDataset;
  try {
    d = loadDataset(spec);
  } catch (e) {
    if (/^unknown /.test((e as Error).message)) throw new UsageError((e as Error).message);
    throw e;
  }
  const s = datasetStats(d);
  console.log(`${where}`);
  console.log(`  users ${s.users}, tops ${s.tops}, bottoms ${s.bottoms}`);
  console.log(
    `  outfits: ${Object.entries(s.outfits)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(`  outfits per user: min ${s.perUser.min}, median ${s.perUser.median}, max ${s.perUser.max}`);
  if (s.skipped) {
    console.log(`  skipped ${s.skipped} bad line(s):`);
    for (const k of d.skipped.slice(0, 10)) console.log(`    ${k.file}:${k.line}: ${k.reason}`);
  }
  const sheet = path.resolve(values.sheet ?? path.join(format === 'manifest' ? path.dirname(where) : target, 'contact-sheet.png'));
  writeFileSync(sheet, await contactSheet(d));
  console.log(`  contact sheet: ${sheet}`);
}
