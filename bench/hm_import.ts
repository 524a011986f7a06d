// The H&M import's streaming part at the full competition's size: a generated articles.csv
// (105,542 articles, the real product-group mix) and transactions file (31,788,324 rows, 1,371,980
// customers over two years), read, paired and split by the importer's own functions; the time of
// each phase and the process's peak resident memory. Photos are not part of it (the full
// competition has 105k; the import writes only the users' articles').
// Usage: npm run bench -- hm_import [--rows N] [--keep DIR]
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readArticles } from '../src/data/hm/articles.js';
import { readPurchases } from '../src/data/hm/transactions.js';
import { pairPurchases, splitOutfits } from '../src/data/hm/outfits.js';
import { Rng } from '../src/data/rng.js';
import { writeResult } from './results.js';

const { values: v } = parseArgs({ options: { rows: { type: 'string', default: '31788324' }, keep: { type: 'string' } } });
const ROWS = Number(v.rows),
  ARTICLES = 105_542,
  CUSTOMERS = 1_371_980;
const dir = v.keep ?? path.join(tmpdir(), 'pfd-bench-hm');
mkdirSync(dir, { recursive: true });
const rng = new Rng(1, 'bench-hm');
const hex = (n: number) => n.toString(16).padStart(16, '0').repeat(4); // a 64-character customer id
const articleId = (i: number) => String(100_000_001 + i * 7).padStart(10, '0');
// The competition's product-group shares (upper body 40%, lower body 19%, full body 13%, other 28%).
const group = (i: number) =>
  i % 100 < 40 ? 'Garment Upper body' : i % 100 < 59 ? 'Garment Lower body' : i % 100 < 72 ? 'Garment Full body' : 'Accessories';

async function write(file: string, lines: (emit: (s: string) => boolean) => Promise<void>): Promise<void> {
  const out = createWriteStream(file);
  await lines((s) => out.write(s));
  await new Promise<void>((resolve) => out.end(resolve));
}

const articles = path.join(dir, 'articles.csv'),
  transactions = path.join(dir, 'transactions_train.csv');
const t0 = performance.now();
if (!existsSync(transactions) || !v.keep) {
  await write(articles, async (emit) => {
    emit(
      'article_id,product_code,prod_name,product_type_no,product_type_name,product_group_name,graphical_appearance_no,graphical_appearance_name,colour_group_code,colour_group_name\n',
    );
    for (let i = 0; i < ARTICLES; i++)
      emit(`${articleId(i)},${i},"Item, ${i}",1,Type ${i % 40},${group(i)},1,Solid,${i % 50},Colour ${i % 50}\n`);
  });
  await write(transactions, async (emit) => {
    emit('t_dat,customer_id,article_id,price,sales_channel_id\n');
    let chunk = '';
    for (let r = 0; r < ROWS; r++) {
      const day = new Date(Date.UTC(2018, 8, 20) + Math.floor((r / ROWS) * 730) * 86_400_000).toISOString().slice(0, 10);
      chunk += `${day},${hex(rng.int(CUSTOMERS))},${articleId(rng.int(ARTICLES))},0.0338,2\n`;
      if (chunk.length > 1 << 20) {
        if (!emit(chunk)) await new Promise((resolve) => setImmediate(resolve));
        chunk = '';
      }
    }
    emit(chunk);
  });
}
const generated = (performance.now() - t0) / 1000;
const t1 = performance.now();
const table = await readArticles(articles, false);
const t2 = performance.now();
const purchases = await readPurchases(transactions, new Set(table.articles.keys()), false);
const t3 = performance.now();
const pairs = pairPurchases(purchases, (i) => table.articles.get(purchases.articles[i]!)!.category, 30);
const outfits = splitOutfits(pairs, 5, 0.2, 1);
const t4 = performance.now();
const result = {
  rows: purchases.rows,
  articles: table.rows,
  kept_purchases: purchases.customer.length,
  customers: purchases.customers.length,
  users: new Set(outfits.map((o) => o.customer)).size,
  outfits: outfits.length,
  seconds: { generate: generated, articles: (t2 - t1) / 1000, transactions: (t3 - t2) / 1000, pair_and_split: (t4 - t3) / 1000 },
  rows_per_second: Math.round(purchases.rows / ((t3 - t2) / 1000)),
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
};
console.log(JSON.stringify(result, null, 1));
writeResult('hm_import', result, `npm run bench -- hm_import --rows ${ROWS}`);
if (!v.keep) rmSync(dir, { recursive: true, force: true });
