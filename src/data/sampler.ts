// The paper's outfit sampler (section 3.2, Eq. 6-7). Each batch holds, per row:
//   a positive outfit   o+ = (x_q+, x_c+ | u)          one of u's training outfits
//   a negative outfit   o- = (x_q+, x_c- | u)          kind 1: a random item of the complementary category
//                    or o- = (x_q-, x_c- | u)          kind 2: an outfit made by another user
// with round(B * negativeMix) rows of kind 1 and the rest of kind 2. An option beyond the paper,
// swapNegatives > 0, makes round(B * swapNegatives) rows (taken first) of a third kind:
//                      o- = (x_q+, x_c' | u)          kind 3: the complement of another of u's outfits
// which has u's taste and differs from o+ only in how it goes with the query, so that M must learn
// the query-complement interaction to rank it (docs/training.md). Those rows take the place of
// kind-1/2 rows; with swapExtra, every row instead gets a kind-3 complement of its own
// (swapComplement) besides its kind-1/2 negative, for a second ranking term. The task
// sets which piece is the query: top -> bottom, bottom -> top, or both
// (alternating batches). Positives are visited in a shuffled order per epoch.
// Deterministic from the seed; state() / restore() resume mid-epoch exactly.
import { Rng, type RngState } from './rng.js';
import type { DatasetOutfit } from './manifest.js';

export type Task = 'top2bottom' | 'bottom2top' | 'both';

export interface SamplerConfig {
  batchSize: number;
  negativeMix: number; // share of kind-1 negatives among kinds 1 and 2, in [0, 1]
  swapNegatives?: number; // share of kind-3 negatives (same user, another outfit's complement), in [0, 1]; default 0
  swapExtra?: boolean; // also draw a kind-3 complement for every row (OutfitBatch.swapComplement); default false
  pickPool?: number; // also draw this many random complements per batch (OutfitBatch.pickPool), after the rest; default 0
  task: Task;
  seed: number;
}

/** One batch, as dataset item indices (tops and bottoms index their own lists). */
export interface OutfitBatch {
  direction: 'top2bottom' | 'bottom2top';
  users: Int32Array; // [B]
  query: Int32Array; // [B] positive query item (a top when direction is top2bottom)
  positive: Int32Array; // [B] its complementary item in u's outfit
  negQuery: Int32Array; // [B] = query for kind 1, another user's query-category item for kind 2
  negComplement: Int32Array; // [B]
  negKind: Uint8Array; // [B] 1, 2 or 3
  swapComplement?: Int32Array; // [B] with swapExtra: the complement of another of the user's outfits (x_q+ stays the query)
  pickPool?: Int32Array; // [N] with pickPool N: random items of the complement category (more candidates for M's pick; not per row)
}

export interface SamplerState {
  epoch: number;
  cursor: number;
  batches: number;
  rng: RngState;
  order: number[];
}

export class OutfitSampler {
  private readonly rng: Rng;
  private order: number[] = [];
  private cursor = 0;
  private epoch = 0;
  private batches = 0;
  private readonly tops: number[];
  private readonly bottoms: number[];
  private readonly byUser = new Map<number, number[]>();

  /** `outfits` must be the TRAINING outfits only: test outfits never enter a batch. */
  constructor(private readonly outfits: DatasetOutfit[], readonly config: SamplerConfig) {
    if (outfits.length === 0) throw new Error('OutfitSampler: no outfits');
    if (outfits.some((o) => o.split !== 'train')) throw new Error('OutfitSampler: only training outfits may be sampled');
    if (!((config.swapNegatives ?? 0) >= 0 && (config.swapNegatives ?? 0) <= 1)) throw new Error(`OutfitSampler: swapNegatives must be in [0, 1], got ${config.swapNegatives}`);
    if (!(config.negativeMix >= 0 && config.negativeMix <= 1)) throw new Error(`OutfitSampler: negativeMix must be in [0, 1], got ${config.negativeMix}`);
    if (!Number.isInteger(config.batchSize) || config.batchSize < 1) throw new Error(`OutfitSampler: batchSize must be a positive integer`);
    if (!Number.isInteger(config.pickPool ?? 0) || (config.pickPool ?? 0) < 0) throw new Error(`OutfitSampler: pickPool must be a non-negative integer, got ${config.pickPool}`);
    this.rng = new Rng(config.seed, 'outfit-sampler');
    this.tops = [...new Set(outfits.map((o) => o.top))];
    this.bottoms = [...new Set(outfits.map((o) => o.bottom))];
    outfits.forEach((o, i) => {
      const list = this.byUser.get(o.user) ?? [];
      list.push(i);
      this.byUser.set(o.user, list);
    });
    if (config.negativeMix < 1 && this.byUser.size < 2) throw new Error('OutfitSampler: kind-2 negatives need at least two users (set negativeMix to 1)');
    this.newEpoch();
  }

  private newEpoch(): void {
    this.order = this.rng.shuffle(this.outfits.map((_, i) => i));
    this.cursor = 0;
  }

  get epochsDone(): number {
    return this.epoch;
  }

  next(): OutfitBatch {
    const B = this.config.batchSize;
    const direction = this.config.task === 'both' ? (this.batches % 2 === 0 ? 'top2bottom' : 'bottom2top') : this.config.task;
    this.batches++;
    const b: OutfitBatch = {
      direction, users: new Int32Array(B), query: new Int32Array(B), positive: new Int32Array(B),
      negQuery: new Int32Array(B), negComplement: new Int32Array(B), negKind: new Uint8Array(B),
    };
    const kinds = new Uint8Array(B).fill(2);
    const swaps = Math.round(B * (this.config.swapNegatives ?? 0));
    kinds.fill(1, 0, swaps + Math.round((B - swaps) * this.config.negativeMix));
    kinds.fill(3, 0, swaps);
    this.rng.shuffle(kinds as unknown as number[]);
    const q = (o: DatasetOutfit) => (direction === 'top2bottom' ? o.top : o.bottom);
    const c = (o: DatasetOutfit) => (direction === 'top2bottom' ? o.bottom : o.top);
    const complements = direction === 'top2bottom' ? this.bottoms : this.tops;
    const rows: DatasetOutfit[] = []; // [B] the positive outfits
    for (let r = 0; r < B; r++) {
      if (this.cursor >= this.order.length) {
        this.epoch++;
        this.newEpoch();
      }
      const o = this.outfits[this.order[this.cursor++]!]!;
      rows.push(o);
      b.users[r] = o.user;
      b.query[r] = q(o);
      b.positive[r] = c(o);
      b.negKind[r] = kinds[r]!;
      const own = kinds[r] === 3 ? this.ownOtherComplement(o, c) : null;
      if (own !== null) {
        b.negQuery[r] = q(o);
        b.negComplement[r] = own;
      } else if (kinds[r] === 1 || kinds[r] === 3) { // (kind 3 for a user with one outfit: a random complement)
        b.negQuery[r] = q(o);
        b.negComplement[r] = this.randomComplement(o, c, complements);
      } else {
        let other = this.outfits[this.rng.int(this.outfits.length)]!;
        while (other.user === o.user) other = this.outfits[this.rng.int(this.outfits.length)]!;
        b.negQuery[r] = q(other);
        b.negComplement[r] = c(other);
      }
    }
    if (this.config.swapExtra) {
      b.swapComplement = new Int32Array(B);
      rows.forEach((o, r) => { b.swapComplement![r] = this.ownOtherComplement(o, c) ?? this.randomComplement(o, c, complements); });
    }
    // Drawn last, so that a run without it draws exactly what it did before the option existed.
    const n = this.config.pickPool ?? 0;
    if (n > 0) b.pickPool = Int32Array.from({ length: n }, () => this.rng.pick(complements));
    return b;
  }

  /** The complement of another of o's user's outfits (a different item where one exists); null for a user with one outfit. */
  private ownOtherComplement(o: DatasetOutfit, c: (o: DatasetOutfit) => number): number | null {
    const mine = this.byUser.get(o.user)!;
    if (mine.length < 2) return null;
    let other = this.outfits[mine[this.rng.int(mine.length)]!]!;
    for (let tries = 0; c(other) === c(o) && tries < 8; tries++) other = this.outfits[mine[this.rng.int(mine.length)]!]!;
    return c(other);
  }

  /** A random item of the complementary category, other than o's own where possible. */
  private randomComplement(o: DatasetOutfit, c: (o: DatasetOutfit) => number, complements: number[]): number {
    let neg = this.rng.pick(complements);
    for (let tries = 0; neg === c(o) && tries < 8; tries++) neg = this.rng.pick(complements);
    return neg;
  }

  state(): SamplerState {
    return { epoch: this.epoch, cursor: this.cursor, batches: this.batches, rng: this.rng.state(), order: [...this.order] };
  }

  restore(s: SamplerState): void {
    if (s.order.length !== this.outfits.length) throw new Error(`OutfitSampler: saved state is for ${s.order.length} outfits, this dataset has ${this.outfits.length}`);
    this.epoch = s.epoch;
    this.cursor = s.cursor;
    this.batches = s.batches;
    this.rng.restore(s.rng);
    this.order = [...s.order];
  }
}
