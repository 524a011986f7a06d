// `npm run demo -- --hm DIR`: the demo on real product photos and real customers. DIR is a
// folder in the H&M layout (the Kaggle competition's files, or the public GitHub subset's:
// docs/data.md): an articles CSV, a transactions CSV, optionally a customers CSV, and images/.
//   1. imports it (pfd data import hm) into runs/demo-hm/data
//   2. trains the designer with the long recipe (the demo's, with nearest-neighbour upsampling
//      and an averaged G: the recipe that reached the real-photo bars first, docs/experiments/hm-01)
//      for the demo's budget into runs/demo-hm/run
//   3. designs the first test top's bottom for eight customers (the paper's Fig. 7)
//   4. evaluates it without an oracle (pfd eval: the photos' own label classifier, the
//      independent judge, FID against the real-vs-real floor) into runs/demo-hm/report
// Nothing it writes is committed: the photos and what is derived from them stay under runs/.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { demoStep, manifestOutfits } from './demo_steps.js';
import { UsageError } from './errors.js';

/** The H&M files in `dir`, by the names of the competition (articles.csv) or of the subset (articles_train_sample.csv). */
export function findHmFiles(dir: string): { articles: string; transactions: string; customers?: string; images: string } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--hm ${dir}: not a folder`);
  const csvs = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.csv'));
  const pick = (prefix: string, required: boolean) => {
    const hits = csvs.filter((f) => f.toLowerCase().startsWith(prefix));
    if (hits.length > 1) throw new UsageError(`--hm ${dir}: ${hits.length} ${prefix}*.csv files (${hits.join(', ')}); keep one`);
    if (!hits.length && required)
      throw new UsageError(`--hm ${dir}: no ${prefix}*.csv (the H&M layout: articles.csv, transactions_train.csv, images/)`);
    return hits[0] && path.join(dir, hits[0]);
  };
  const found = { articles: pick('articles', true)!, transactions: pick('transactions', true)!, customers: pick('customers', false) };
  const images = path.join(dir, 'images');
  if (!existsSync(images)) throw new UsageError(`--hm ${dir}: no images/ folder (images/0XX/0XXXXXXXXX.jpg)`);
  return { ...found, images };
}

export async function hmDemo(dir: string, minutes: number, iterations: number, onDevice: string[]): Promise<void> {
  const files = findHmFiles(path.resolve(dir));
  const root = path.resolve('runs', 'demo-hm');
  const data = path.join(root, 'data'),
    run = path.join(root, 'run'),
    report = path.join(root, 'report');
  const step = demoStep;
  await step('1/4 importing the H&M folder (photos resized once, cached)', [
    'data',
    'import',
    'hm',
    '--articles',
    files.articles,
    '--transactions',
    files.transactions,
    ...(files.customers ? ['--customers', files.customers] : []),
    '--images',
    files.images,
    '--out',
    data,
  ]);
  // A fresh run each time, as the synthetic demo's.
  if (existsSync(run)) rmSync(run, { recursive: true });
  await step(`2/4 training the designer on real photos (recipe long, at most ${minutes} minutes)`, [
    'train',
    '--data',
    data,
    '--out',
    run,
    '--recipe',
    'long',
    '--iterations',
    String(iterations),
    '--minutes',
    String(minutes),
    ...onDevice,
  ]);
  const outfits = manifestOutfits(data);
  const firstTest = outfits.find((o) => o.split === 'test');
  if (!firstTest) throw new UsageError(`${data}: the import made no test outfits (too few customers with outfits; docs/data.md)`);
  const query = path.parse(firstTest.top).name;
  const users = [...new Set(outfits.map((o) => o.user))].slice(0, 8);
  const fig7 = path.join(root, `fig7-${query}.png`);
  await step('3/4 one real top, eight customers (Fig. 7)', [
    'design',
    '--run',
    run,
    '--query',
    query,
    '--users',
    users.join(','),
    '--scale',
    '2',
    '--out',
    fig7,
  ]);
  await step('4/4 evaluation without an oracle (label classifier, independent judge, FID against the real-vs-real floor)', [
    'eval',
    '--run',
    run,
    '--out',
    report,
    ...onDevice,
  ]);
  console.log(`\nreal-photo demo done (nothing here may be redistributed: the photos' terms apply to what is made from them):
  the imported data and its contact sheet   ${data}
  samples during training                   ${path.join(run, 'samples')}
  one real top designed for eight customers ${fig7}
  evaluation report                         ${path.join(report, 'report.html')}
  serve it: npm run pfd -- serve --run ${path.relative(process.cwd(), run)}`);
}
