// `pfd data import hm`: an H&M-layout data set (articles.csv, transactions_train.csv,
// images/0XX/0XXXXXXXXX.jpg) to a data folder the rest of the project trains and evaluates on:
//   manifest.jsonl  the pseudo-outfits (outfits.ts) in the generic manifest format
//   images/S/ID.png the used articles' photos, square on their background, S x S (photos.ts)
//   items.jsonl     each used article's labels (product type, colour group, appearance), for the
//                   evaluation's domain classifier
//   import.json     what was read, kept and left out, with the rule and the timings
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { readArticles, type HmArticle } from './articles.js';
import { readPurchases } from './transactions.js';
import { pairPurchases, splitOutfits } from './outfits.js';
import { photoPath, squarePhoto } from './photos.js';
import { csvRecords } from './csv.js';
import { DatasetError } from '../manifest.js';

export interface HmImportOptions {
  articles: string;
  transactions: string;
  images: string;
  customers?: string;
  windowDays: number; // a top and a bottom bought within this many days make an outfit (0: the same day)
  minOutfits: number; // users: customers with at least this many outfits
  testShare: number; // the share of each user's distinct tops held out for the test split
  size: number; // the square photos' side
  seed: number;
  skipBad: boolean;
  out: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface HmImportReport {
  rule: string;
  articles: { rows: number; tops: number; bottoms: number; by_product_group: Record<string, number> };
  transactions: { rows: number; top_or_bottom: number; other_articles: number };
  customers_with_outfits: number;
  users: number;
  outfits: { train: number; test: number };
  items: { tops: number; bottoms: number };
  customers_file?: { rows: number; users_found: number };
  skipped: { file: string; line: number; reason: string }[];
  photos: { written: number; cached: number; size: number };
  seconds: { articles: number; transactions: number; photos: number; total: number };
}

/** A short, unique id per customer: the first 12 characters of customer_id (all of it where two would collide). */
function shortIds(ids: string[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const id of ids) count.set(id.slice(0, 12), (count.get(id.slice(0, 12)) ?? 0) + 1);
  return new Map(ids.map((id) => [id, count.get(id.slice(0, 12))! > 1 ? id : id.slice(0, 12)]));
}

export async function importHm(o: HmImportOptions): Promise<HmImportReport> {
  const t0 = performance.now();
  const lap = (t: number) => (performance.now() - t) / 1000;
  o.onProgress?.('reading articles', 0, 1);
  const table = await readArticles(o.articles, o.skipBad);
  const tArticles = lap(t0);
  const t1 = performance.now();
  const purchases = await readPurchases(o.transactions, new Set(table.articles.keys()), o.skipBad, (rows) => o.onProgress?.('reading transactions', rows, 0));
  const tTransactions = lap(t1);
  const art = (i: number): HmArticle => table.articles.get(purchases.articles[i]!)!;
  const skipped = [...table.skipped, ...purchases.skipped];
  // The photos of every article an outfit of a would-be user needs; a missing or unreadable one
  // is an error naming it, or (skipBad) its outfits are dropped before users are counted.
  const t2 = performance.now();
  const candidates = pairPurchases(purchases, (i) => art(i).category, o.windowDays);
  const needed = new Set<number>();
  for (const list of candidates.values()) if (list.length >= o.minOutfits) for (const [t, b] of list) needed.add(t).add(b);
  const photo = (i: number) => path.join('images', String(o.size), `${purchases.articles[i]}.png`);
  const broken = new Set<number>();
  let written = 0, cached = 0, done = 0;
  for (const i of needed) {
    try {
      (await squarePhoto(photoPath(o.images, purchases.articles[i]!), path.join(o.out, photo(i)), o.size)) === 'written' ? written++ : cached++;
    } catch (e) {
      if (!o.skipBad || !(e instanceof DatasetError)) throw e;
      broken.add(i);
      skipped.push({ file: e.file, line: 0, reason: e.message });
    }
    o.onProgress?.('photos', ++done, needed.size);
  }
  const pairs = broken.size ? pairPurchases(purchases, (i) => art(i).category, o.windowDays, (i) => !broken.has(i)) : candidates;
  const outfits = splitOutfits(pairs, o.minOutfits, o.testShare, o.seed);
  if (!outfits.length) throw new DatasetError(o.transactions, null, `no customer has ${o.minOutfits} or more outfits (a top and a bottom bought within ${o.windowDays} days); lower --min-outfits or widen --window-days`);
  const users = [...new Set(outfits.map((x) => x.customer))];
  const names = shortIds(users.map((c) => purchases.customers[c]!));
  mkdirSync(o.out, { recursive: true });
  writeFileSync(path.join(o.out, 'manifest.jsonl'), outfits.map((x) => JSON.stringify({ user: names.get(purchases.customers[x.customer]!), top: photo(x.top), bottom: photo(x.bottom), split: x.split })).join('\n') + '\n');
  const used = [...new Set(outfits.flatMap((x) => [x.top, x.bottom]))].sort((a, b) => a - b);
  writeFileSync(path.join(o.out, 'items.jsonl'), used.map((i) => { const a = art(i); return JSON.stringify({ id: photo(i), article_id: a.id, category: a.category, product_type: a.productType, colour_group: a.colourGroup, appearance: a.appearance }); }).join('\n') + '\n');
  const report: HmImportReport = {
    rule: `a customer's top (product group "Garment Upper body") and bottom ("Garment Lower body") bought within ${o.windowDays} day(s) of each other; users: customers with >= ${o.minOutfits} such outfits; test: ${o.testShare} of each user's distinct tops held out (seed ${o.seed})`,
    articles: { rows: table.rows, tops: [...table.articles.values()].filter((a) => a.category === 'top').length, bottoms: [...table.articles.values()].filter((a) => a.category === 'bottom').length, by_product_group: table.byGroup },
    transactions: { rows: purchases.rows, top_or_bottom: purchases.customer.length, other_articles: purchases.otherRows },
    customers_with_outfits: pairs.size,
    users: users.length,
    outfits: { train: outfits.filter((x) => x.split === 'train').length, test: outfits.filter((x) => x.split === 'test').length },
    items: { tops: used.filter((i) => art(i).category === 'top').length, bottoms: used.filter((i) => art(i).category === 'bottom').length },
    ...(o.customers ? { customers_file: await customersFound(o.customers, new Set(users.map((c) => purchases.customers[c]!))) } : {}),
    skipped,
    photos: { written, cached, size: o.size },
    seconds: { articles: tArticles, transactions: tTransactions, photos: lap(t2), total: lap(t0) },
  };
  writeFileSync(path.join(o.out, 'import.json'), JSON.stringify(report, null, 1));
  return report;
}

/** How many of the users customers.csv lists (a check that the files belong together). */
async function customersFound(file: string, users: Set<string>): Promise<{ rows: number; users_found: number }> {
  let rows = 0, found = 0;
  for await (const { record, line } of csvRecords(file)) {
    if (++rows === 1 && !('customer_id' in record)) throw new DatasetError(file, line, "missing column customer_id (is this the H&M customers.csv?)");
    if (users.has((record.customer_id ?? '').trim())) found++;
  }
  return { rows, users_found: found };
}
