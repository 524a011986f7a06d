// H&M articles (articles.csv of the Kaggle competition "H&M Personalized Fashion
// Recommendations"): which articles are tops and which bottoms, with the labels the
// evaluation's domain classifier learns (product type, colour group, graphical appearance).
//   top     product_group_name "Garment Upper body"   (tops, shirts, sweaters, jackets, ...)
//   bottom  product_group_name "Garment Lower body"   (trousers, skirts, shorts, leggings)
// Full-body garments ("Garment Full body": dresses, jumpsuits, dungarees, sets) are neither: an
// outfit of the paper is a top and a bottom, and a dress is both at once, so they are left out
// (counted in the import report), as are underwear, swimwear, nightwear, socks, shoes and accessories.
import { DatasetError } from '../manifest.js';
import { csvRecords } from './csv.js';

export type HmCategory = 'top' | 'bottom';

export interface HmArticle {
  id: string; // article_id, 10 digits with its leading zero ("0111565001")
  category: HmCategory;
  productType: string; // product_type_name ("Trousers", "Sweater", ...)
  colourGroup: string; // colour_group_name ("Black", "Light Beige", ...)
  appearance: string; // graphical_appearance_name ("Solid", "Stripe", ...)
}

export const CATEGORY_OF_GROUP: Readonly<Record<string, HmCategory>> = { 'Garment Upper body': 'top', 'Garment Lower body': 'bottom' };
const REQUIRED = ['article_id', 'product_type_name', 'product_group_name', 'colour_group_name', 'graphical_appearance_name'] as const;

export interface ArticleTable {
  articles: Map<string, HmArticle>; // the tops and bottoms, by article_id
  byGroup: Record<string, number>; // every article's product group, counted (the report)
  rows: number;
  skipped: { file: string; line: number; reason: string }[];
}

/** A 10-digit article id from a CSV cell (Kaggle's files keep the leading zero; spreadsheets drop it). */
export function articleId(cell: string): string | null {
  const s = cell.trim();
  return /^\d{9,10}$/.test(s) ? s.padStart(10, '0') : null;
}

/** Reads articles.csv (streamed); a bad row is an error naming file and line, or skipped and counted with skipBad. */
export async function readArticles(file: string, skipBad: boolean): Promise<ArticleTable> {
  const t: ArticleTable = { articles: new Map(), byGroup: {}, rows: 0, skipped: [] };
  const bad = (line: number, reason: string) => {
    if (!skipBad) throw new DatasetError(file, line, reason);
    t.skipped.push({ file, line, reason });
  };
  for await (const { record, line } of csvRecords(file)) {
    t.rows++;
    if (t.rows === 1) {
      const missing = REQUIRED.filter((k) => !(k in record));
      if (missing.length) throw new DatasetError(file, 1, `missing column(s) ${missing.join(', ')} (is this the H&M articles.csv?)`);
    }
    const id = articleId(record.article_id ?? '');
    if (!id) {
      bad(line, `article_id '${record.article_id}' is not a 9-10 digit id`);
      continue;
    }
    const group = record.product_group_name ?? '';
    t.byGroup[group] = (t.byGroup[group] ?? 0) + 1;
    const category = CATEGORY_OF_GROUP[group];
    if (!category) continue;
    t.articles.set(id, { id, category, productType: record.product_type_name ?? '', colourGroup: record.colour_group_name ?? '', appearance: record.graphical_appearance_name ?? '' });
  }
  if (t.rows === 0) throw new DatasetError(file, null, 'no articles');
  return t;
}
