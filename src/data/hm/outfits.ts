// Pseudo-outfits from purchases: a customer's top and bottom bought within `windowDays` of each
// other (0 = the same day) make one outfit (each distinct (top, bottom) pair once per customer).
// Users are the customers with at least `minOutfits` outfits. The test split holds out tops per
// user, as the paper's Polyvore-U split holds out outfits: a share of each user's distinct tops
// (at least one for a user with two or more), whose outfits are the user's test outfits, so a test
// query is a top the model never saw that user with; every user keeps at least one training outfit.
import { Rng } from '../rng.js';
import type { Purchases } from './transactions.js';
import type { HmCategory } from './articles.js';

export interface PseudoOutfit {
  customer: number; // index into Purchases.customers
  top: number; // index into Purchases.articles
  bottom: number;
  split: 'train' | 'test';
}

/** Every customer's distinct (top, bottom) pairs bought within windowDays of each other. */
export function pairPurchases(p: Purchases, categoryOf: (article: number) => HmCategory, windowDays: number, usable: (article: number) => boolean = () => true): Map<number, [number, number][]> {
  // Purchases grouped by customer (a counting sort of their indices).
  const n = p.customer.length, C = p.customers.length;
  const start = new Int32Array(C + 1);
  for (let i = 0; i < n; i++) start[p.customer[i]! + 1]!++;
  for (let c = 0; c < C; c++) start[c + 1]! += start[c]!;
  const order = new Int32Array(n), fill = start.slice(0, C);
  for (let i = 0; i < n; i++) order[fill[p.customer[i]!]!++] = i;
  const pairs = new Map<number, [number, number][]>();
  for (let c = 0; c < C; c++) {
    const tops: number[] = [], bottoms: number[] = [];
    for (let k = start[c]!; k < start[c + 1]!; k++) {
      const i = order[k]!;
      if (!usable(p.article[i]!)) continue;
      (categoryOf(p.article[i]!) === 'top' ? tops : bottoms).push(i);
    }
    if (!tops.length || !bottoms.length) continue;
    const seen = new Set<string>(), list: [number, number][] = [];
    for (const t of tops) for (const b of bottoms) {
      if (Math.abs(p.day[t]! - p.day[b]!) > windowDays) continue;
      const key = `${p.article[t]}:${p.article[b]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      list.push([p.article[t]!, p.article[b]!]);
    }
    if (list.length) pairs.set(c, list);
  }
  return pairs;
}

/** The outfits of customers with at least minOutfits pairs, split by held-out tops per user (seeded). */
export function splitOutfits(pairs: Map<number, [number, number][]>, minOutfits: number, testShare: number, seed: number): PseudoOutfit[] {
  const rng = new Rng(seed, 'hm-split');
  const out: PseudoOutfit[] = [];
  for (const [customer, list] of [...pairs].sort((a, b) => a[0] - b[0])) {
    if (list.length < minOutfits) continue;
    const tops = rng.shuffle([...new Set(list.map(([t]) => t))]);
    let held = new Set(tops.length >= 2 ? tops.slice(0, Math.max(1, Math.round(testShare * tops.length))) : []);
    // Every user keeps at least one training outfit.
    if (list.every(([t]) => held.has(t))) held = new Set([...held].slice(1));
    for (const [top, bottom] of list) out.push({ customer, top, bottom, split: held.has(top) ? 'test' : 'train' });
  }
  return out;
}
