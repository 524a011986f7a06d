// The designs an evaluation scores. From the TEST outfits (never seen in
// training): every (outfit, designed category) pair the model can do, shuffled
// with a fixed seed, the first N kept. For each pair:
//   query      the outfit's query item           real, [3, S, S]
//   truth      its ground-truth complement       real (the "Real" row, and FID's reference set)
//   design     G's design for the outfit's user u
//   other      G's design for the same query and another random user v
//   swapped    G's design for the same user u and another case's query q' (same designed
//              category, another query item): what u gets when the query changes
// plus, for a few queries, designs for many users (per-query diversity, Fig. 7).
import * as T from '../torch/index.js';
import type { Category } from '../models/designer.js';
import type { FashionModel } from '../models/fashion_model.js';
import { splitItemBytes, type SplitImages } from '../data/cache.js';
import { bytesToUnit } from '../data/images.js';
import { Rng } from '../data/rng.js';

export interface EvalCase {
  outfit: number; // index into split.outfits
  user: number;
  other: number; // another user
  swap: number; // index (into the chosen cases) of another case of this category with another query; -1 when there is none
  target: Category;
  query: number; // dataset item index (a top when target is bottom)
  truth: number; // dataset item index of the ground-truth complement
}

export interface DesignSet {
  cases: EvalCase[];
  query: T.Tensor; // [N, 3, S, S] float in [-1, 1] (kept)
  truth: T.Tensor;
  design: T.Tensor;
  other: T.Tensor;
  swapped: T.Tensor; // design(query of cases[swap], user) [N, 3, S, S]
  fanout: { cases: number[]; users: number[]; designs: T.Tensor }; // designs [Q, U, 3, S, S]
  dispose(): void;
}

export function evalCases(test: SplitImages, targets: Category[], users: number, n: number, seed: number): EvalCase[] {
  const rng = new Rng(seed, 'eval-cases');
  const all: EvalCase[] = [];
  test.outfits.forEach((o, i) => {
    for (const target of targets) {
      all.push({
        outfit: i,
        user: o.user,
        other: o.user,
        swap: -1,
        target,
        query: target === 'bottom' ? o.top : o.bottom,
        truth: target === 'bottom' ? o.bottom : o.top,
      });
    }
  });
  const chosen = rng.shuffle(all).slice(0, n);
  for (const c of chosen) {
    if (users > 1) {
      do c.other = rng.int(users);
      while (c.other === c.user);
    }
  }
  // Another case of the same designed category with a different query item (-1 when none:
  // such cases are left out of the figures that compare queries).
  const swapRng = new Rng(seed, 'eval-swaps');
  for (const c of chosen) {
    const pool = chosen.map((d, j) => (d.target === c.target && d.query !== c.query ? j : -1)).filter((j) => j >= 0);
    c.swap = pool.length ? pool[swapRng.int(pool.length)]! : -1;
  }
  return chosen;
}

export async function makeDesigns(
  model: FashionModel,
  test: SplitImages,
  cases: EvalCase[],
  opts: {
    /** The test split at the model's image size when it is not `test`'s (a 128x128 model): its queries. */
    modelImages?: SplitImages;
    users: number;
    fanoutQueries: number;
    fanoutUsers: number;
    seed: number;
    batch?: number;
    device?: T.Device;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<DesignSet> {
  const device = opts.device ?? 'cpu';
  const batch = opts.batch ?? 64;
  const n = cases.length;
  // Designs are kept at `test`'s size, where every figure is read: a 128x128 model's designs
  // are averaged over 2x2 pixels (the area filter), its queries taken at its own size.
  const modelImages = opts.modelImages ?? test;
  const size = test.size;
  const atEvalSize = (x: T.Tensor) => (x.size(2) === size ? x : T.adaptiveAvgPool2d(x, [size, size])); // [B, 3, S', S'] -> [B, 3, S, S]
  const queryCategory = (target: Category): Category => (target === 'bottom' ? 'top' : 'bottom');
  const parts: Record<'query' | 'truth' | 'design' | 'other' | 'swapped', T.Tensor[]> = {
    query: [],
    truth: [],
    design: [],
    other: [],
    swapped: [],
  };
  for (let a = 0; a < n; a += batch) {
    const chunk = cases.slice(a, a + batch);
    // Cases of one designed category go through that category's G together.
    for (const target of ['bottom', 'top'] as Category[]) {
      const idx = chunk.map((c, i) => (c.target === target ? i : -1)).filter((i) => i >= 0);
      if (!idx.length) continue;
      T.tidy(() => {
        const cs = idx.map((i) => chunk[i]!);
        const q = bytesToUnit(
          splitItemBytes(
            test,
            target === 'bottom' ? 'top' : 'bottom',
            cs.map((c) => c.query),
          ),
        );
        const t = bytesToUnit(
          splitItemBytes(
            test,
            target,
            cs.map((c) => c.truth),
          ),
        );
        const qs = bytesToUnit(
          splitItemBytes(
            modelImages,
            queryCategory(target),
            cs.map((c) => (c.swap >= 0 ? cases[c.swap]! : c).query),
          ),
        );
        const qd = T.toDevice(
          modelImages === test
            ? q
            : bytesToUnit(
                splitItemBytes(
                  modelImages,
                  queryCategory(target),
                  cs.map((c) => c.query),
                ),
              ),
          device,
        );
        const u = T.tensor(
          cs.map((c) => c.user),
          { dtype: 'int64', device },
        );
        const d = atEvalSize(T.toDevice(model.design(qd, u, target), 'cpu'));
        const others = T.tensor(
          cs.map((c) => c.other),
          { dtype: 'int64', device },
        );
        const o = atEvalSize(T.toDevice(model.design(qd, others, target), 'cpu'));
        const s = atEvalSize(T.toDevice(model.design(T.toDevice(qs, device), u, target), 'cpu'));
        for (const [k, v] of [
          ['query', q],
          ['truth', t],
          ['design', d],
          ['other', o],
          ['swapped', s],
        ] as const) {
          idx.forEach((i, j) => {
            parts[k][a + i] = T.keep(T.select(v, 0, j).clone());
          });
        }
      });
    }
    opts.onProgress?.(Math.min(n, a + batch), n);
    await new Promise(setImmediate);
  }
  const stack = (k: keyof typeof parts) => {
    const s = T.keep(T.stack(parts[k]));
    T.dispose(parts[k]);
    return s;
  };
  const set = { query: stack('query'), truth: stack('truth'), design: stack('design'), other: stack('other'), swapped: stack('swapped') };
  // Fan-out: the first Q cases' queries designed for the same U users each.
  const rng = new Rng(opts.seed, 'eval-fanout');
  const users = rng
    .shuffle(Array.from({ length: opts.users }, (_, i) => i))
    .slice(0, Math.min(opts.fanoutUsers, opts.users))
    .sort((x, y) => x - y);
  const fanCases = Array.from({ length: Math.min(opts.fanoutQueries, n) }, (_, i) => i);
  const fanDesigns = fanCases.map((i) =>
    T.tidy(() => {
      const c = cases[i]!;
      const q1 = bytesToUnit(splitItemBytes(modelImages, queryCategory(c.target), [c.query])); // [1, 3, S', S']
      const q = T.toDevice(T.expand(q1, [users.length, ...q1.shape.slice(1)]), device);
      return T.keep(atEvalSize(T.toDevice(model.design(q, T.tensor(users, { dtype: 'int64', device }), c.target), 'cpu')));
    }),
  );
  const fanout = {
    cases: fanCases,
    users,
    designs: T.keep(fanDesigns.length ? T.stack(fanDesigns) : T.zeros([0, users.length, 3, size, size])),
  };
  T.dispose(fanDesigns);
  return { cases, ...set, fanout, dispose: () => T.dispose([set.query, set.truth, set.design, set.other, set.swapped, fanout.designs]) };
}

/** Indices of the cases that have another query to compare with (swap >= 0). */
export function swappedCases(cases: EvalCase[]): number[] {
  return cases.map((c, i) => (c.swap >= 0 ? i : -1)).filter((i) => i >= 0);
}
