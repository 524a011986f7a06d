// H&M transactions (transactions_train.csv: t_dat, customer_id, article_id, ...), streamed:
// only purchases of the tops and bottoms of the article table are kept, as three growing
// typed arrays (customer, day, article), 12 bytes a purchase, so that the full 31.8M-row file
// fits this machine's memory many times over.
import { DatasetError } from '../manifest.js';
import { csvRecords } from './csv.js';
import { articleId } from './articles.js';

/** Growable Int32Array. */
class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export interface Purchases {
  customers: string[]; // customer_id by index
  articles: string[]; // article_id by index (tops and bottoms only)
  customer: Int32Array; // [P] index into customers
  day: Int32Array; // [P] days since 1970-01-01
  article: Int32Array; // [P] index into articles
  rows: number; // every row read
  otherRows: number; // rows of articles that are not a known top or bottom
  skipped: { file: string; line: number; reason: string }[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a YYYY-MM-DD date, or null. */
export function dayNumber(s: string): number | null {
  const m = DATE.exec(s.trim());
  if (!m) return null;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!);
  const d = new Date(t);
  return d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]! ? Math.round(t / 86_400_000) : null;
}

/** Streams transactions.csv, keeping the purchases of `wanted` articles; bad rows name file and line (or are skipped and counted). */
export async function readPurchases(file: string, wanted: ReadonlySet<string>, skipBad: boolean, onProgress?: (rows: number) => void): Promise<Purchases> {
  const customers: string[] = [], articles: string[] = [];
  const customerIndex = new Map<string, number>(), articleIndex = new Map<string, number>();
  const customer = new IntList(), day = new IntList(), article = new IntList();
  const out = { rows: 0, otherRows: 0, skipped: [] as Purchases['skipped'] };
  const bad = (line: number, reason: string) => {
    if (!skipBad) throw new DatasetError(file, line, reason);
    out.skipped.push({ file, line, reason });
  };
  for await (const { record, line } of csvRecords(file)) {
    if (++out.rows === 1 && !['t_dat', 'customer_id', 'article_id'].every((k) => k in record)) throw new DatasetError(file, 1, 'missing column(s) t_dat, customer_id, article_id (is this the H&M transactions CSV?)');
    if (onProgress && out.rows % 1_000_000 === 0) onProgress(out.rows);
    const id = articleId(record.article_id ?? '');
    if (!id) { bad(line, `article_id '${record.article_id}' is not a 9-10 digit id`); continue; }
    if (!wanted.has(id)) { out.otherRows++; continue; }
    const d = dayNumber(record.t_dat ?? '');
    if (d === null) { bad(line, `t_dat '${record.t_dat}' is not a YYYY-MM-DD date`); continue; }
    const c = (record.customer_id ?? '').trim();
    if (!c) { bad(line, 'empty customer_id'); continue; }
    let ci = customerIndex.get(c);
    if (ci === undefined) customerIndex.set(c, (ci = customers.push(c) - 1));
    let ai = articleIndex.get(id);
    if (ai === undefined) articleIndex.set(id, (ai = articles.push(id) - 1));
    customer.push(ci);
    day.push(d);
    article.push(ai);
  }
  if (out.rows === 0) throw new DatasetError(file, null, 'no transactions');
  return { customers, articles, customer: customer.view(), day: day.view(), article: article.view(), ...out };
}
