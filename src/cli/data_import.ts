// `pfd data import hm`: an H&M-layout data set to a data folder (src/data/hm/import.ts).
import { parseArgs } from 'node:util';
import path from 'node:path';
import { importHm } from '../data/hm/import.js';
import { UsageError } from './errors.js';
import { phasedProgress } from './progress.js';

export const DATA_IMPORT_USAGE = `pfd data import hm --articles articles.csv --transactions transactions_train.csv --images DIR [--customers customers.csv]
              [--window-days N] [--min-outfits K] [--test-share X] [--size 64|128] [--seed N] [--skip-bad] --out DIR`;

const num = (name: string, v: string, ok: (n: number) => boolean, what: string): number => {
  const n = Number(v);
  if (!ok(n)) throw new UsageError(`--${name} must be ${what}, got '${v}'`);
  return n;
};

export async function dataImport(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseArgs({
    args: argv,
    options: {
      articles: { type: 'string' },
      transactions: { type: 'string' },
      images: { type: 'string' },
      customers: { type: 'string' },
      'window-days': { type: 'string', default: '30' },
      'min-outfits': { type: 'string', default: '5' },
      'test-share': { type: 'string', default: '0.2' },
      size: { type: 'string', default: '128' },
      seed: { type: 'string', default: '1' },
      'skip-bad': { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || positionals[0] !== 'hm')
    throw new UsageError(`pfd data import takes the layout to read: hm (got ${positionals.join(' ') || 'none'})`);
  for (const k of ['articles', 'transactions', 'images', 'out'] as const)
    if (!v[k]) throw new UsageError(`pfd data import hm needs --${k}`);
  const progress = phasedProgress();
  try {
    const r = await importHm({
      articles: path.resolve(v.articles!),
      transactions: path.resolve(v.transactions!),
      images: path.resolve(v.images!),
      customers: v.customers && path.resolve(v.customers),
      windowDays: num('window-days', v['window-days']!, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
      minOutfits: num('min-outfits', v['min-outfits']!, (n) => Number.isInteger(n) && n >= 1, 'a positive integer'),
      testShare: num('test-share', v['test-share']!, (n) => n >= 0 && n < 1, 'in [0, 1)'),
      size: num('size', v.size!, (n) => n === 64 || n === 128, '64 or 128'),
      seed: num('seed', v.seed!, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
      skipBad: v['skip-bad']!,
      out: path.resolve(v.out!),
      onProgress: progress.update,
    });
    progress.stop();
    console.log(
      `imported ${r.users} users, ${r.outfits.train} training and ${r.outfits.test} test outfits, ${r.items.tops} tops and ${r.items.bottoms} bottoms, in ${r.seconds.total.toFixed(1)} s: ${path.resolve(v.out!)}`,
    );
    console.log(`  rule: ${r.rule}`);
    console.log(
      `  read ${r.transactions.rows} transactions (${r.transactions.top_or_bottom} of tops and bottoms), ${r.articles.rows} articles (${r.articles.tops} tops, ${r.articles.bottoms} bottoms; full-body garments and the rest left out)`,
    );
    if (r.customers_file)
      console.log(`  customers file: ${r.customers_file.rows} rows, ${r.customers_file.users_found} of the ${r.users} users found`);
    if (r.skipped.length) {
      console.log(`  skipped ${r.skipped.length} bad row(s) or photo(s):`);
      for (const s of r.skipped.slice(0, 10)) console.log(`    ${s.file}${s.line ? `:${s.line}` : ''}: ${s.reason}`);
    }
    console.log(
      `  photos: ${r.photos.written} written, ${r.photos.cached} up to date (${r.photos.size}x${r.photos.size}); report: ${path.join(path.resolve(v.out!), 'import.json')}`,
    );
  } finally {
    progress.stop();
  }
}
