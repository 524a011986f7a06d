// How good are retrieved real items? On a synthetic world the oracle scores each
// retrieved item exactly: compat(query, item) and the user's taste pref(u, query, item),
// averaged over the k items of n test cases, for every retrieval method side by side:
//   nearest/code, nearest/pixels    the k items nearest to the design (two embeddings)
//   design-then-rank/code           the `candidates` nearest, re-ranked by s_{u,o}
//   rank catalog by s_{u,o}         no design: every item scored by the model (exhaustive)
//   random items                    k random catalog items (the floor)
//   oracle best                     the k items with the best compat + pref (the ceiling)
// with the time per query of each (the index is built beforehand, not timed).
import path from 'node:path';
import * as T from '../torch/index.js';
import type { TrainedModel } from '../run/trained_model.js';
import type { FashionDataset } from '../data/manifest.js';
import type { SplitImages } from '../data/cache.js';
import { splitItemBytes } from '../data/cache.js';
import { bytesToUnit } from '../data/images.js';
import { WorldOracle, type World, type WorldItem } from '../data/world/world.js';
import { Rng } from '../data/rng.js';
import { evalCases } from '../eval/designs.js';
import { complementOf, type Category } from '../models/designer.js';
import { openCatalogIndex, type CatalogIndex, type RetrievalEmbedding } from './catalog_index.js';
import { retrieveNear, rankCatalog, type RetrieveOptions } from './retrieve.js';

export interface RetrievalEvalOptions {
  n: number;
  k: number;
  candidates: number;
  seed: number;
  device: T.Device;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface RetrievalEvalRow {
  method: string;
  compat: number; // mean oracle compat(query, item)
  taste: number; // mean oracle pref(user, query, item)
  ms_per_query: number;
}

export async function evaluateRetrieval(
  trained: TrainedModel,
  dataset: FashionDataset,
  test: SplitImages,
  world: World,
  o: RetrievalEvalOptions,
): Promise<{ rows: RetrievalEvalRow[]; cases: number }> {
  const oracle = new WorldOracle(world);
  const targets = trained.model.config.targets;
  const cases = evalCases(test, targets, trained.trainedUsers, o.n, o.seed);
  const indexes = new Map<string, CatalogIndex>();
  const index = async (c: Category, e: RetrievalEmbedding) => {
    const key = `${c}/${e}`;
    if (!indexes.has(key)) indexes.set(key, await openCatalogIndex(trained, dataset, c, e, { device: o.device, onProgress: o.onProgress }));
    return indexes.get(key)!;
  };
  const worldItem = (c: Category, idx: number): WorldItem =>
    oracle.item(path.parse((c === 'top' ? dataset.tops : dataset.bottoms)[idx]!.id).name);
  const methods = [
    'nearest / code',
    'nearest / pixels',
    `design-then-rank / code (${o.candidates} nearest)`,
    'rank catalog by s_{u,o}',
    'random items',
    'oracle best (ceiling)',
  ];
  const sums = methods.map(() => ({ compat: 0, taste: 0, ms: 0, items: 0 }));
  const rng = new Rng(o.seed, 'retrieval-random');
  const ro = (ranking: RetrieveOptions['ranking']): RetrieveOptions => ({ k: o.k, ranking, candidates: o.candidates, device: o.device });
  try {
    for (const t of targets) for (const e of ['code', 'pixels'] as const) await index(t, e);
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const qCat = complementOf(c.target);
      const q = worldItem(qCat, c.query),
        user = dataset.users[c.user]!;
      const catalog = (c.target === 'top' ? dataset.tops : dataset.bottoms).map((_, j) => j);
      const query = T.keep(T.tidy(() => T.toDevice(bytesToUnit(splitItemBytes(test, qCat, [c.query])), o.device))); // [1, 3, S, S]
      try {
        const t0 = performance.now();
        const design = T.tidy(() =>
          T.keep(trained.model.design(query, T.tensor([c.user], { dtype: 'int64', device: o.device }), c.target)),
        );
        const designMs = performance.now() - t0;
        const picks: [number[], number][] = [];
        const timed = (f: () => number[], extra = 0) => {
          const a = performance.now();
          const items = f();
          picks.push([items, performance.now() - a + extra]);
        };
        try {
          timed(
            () => retrieveNear(trained, dataset, indexes.get(`${c.target}/code`)!, design, query, c.user, ro('nearest')).map((x) => x.item),
            designMs,
          );
          timed(
            () =>
              retrieveNear(trained, dataset, indexes.get(`${c.target}/pixels`)!, design, query, c.user, ro('nearest')).map((x) => x.item),
            designMs,
          );
          timed(
            () => retrieveNear(trained, dataset, indexes.get(`${c.target}/code`)!, design, query, c.user, ro('compat')).map((x) => x.item),
            designMs,
          );
        } finally {
          design.dispose();
        }
        timed(() => rankCatalog(trained, dataset, indexes.get(`${c.target}/code`)!, query, c.user, o.k, o.device).map((x) => x.item));
        timed(() => rng.shuffle([...catalog]).slice(0, o.k));
        const outfit = (x: WorldItem): [WorldItem, WorldItem] => (c.target === 'bottom' ? [q, x] : [x, q]);
        timed(() =>
          catalog
            .map((j) => ({ j, s: oracle.compat(...outfit(worldItem(c.target, j))) + oracle.pref(user, ...outfit(worldItem(c.target, j))) }))
            .sort((a, b) => b.s - a.s)
            .slice(0, o.k)
            .map((x) => x.j),
        );
        picks.forEach(([items, ms], m) => {
          for (const j of items) {
            const x = worldItem(c.target, j);
            sums[m]!.compat += oracle.compat(...outfit(x));
            sums[m]!.taste += oracle.pref(user, ...outfit(x));
            sums[m]!.items++;
          }
          sums[m]!.ms += ms;
        });
      } finally {
        query.dispose();
      }
      o.onProgress?.('retrieving', i + 1, cases.length);
    }
  } finally {
    for (const ix of indexes.values()) ix.dispose();
  }
  return {
    cases: cases.length,
    rows: methods.map((method, m) => ({
      method,
      compat: sums[m]!.compat / sums[m]!.items,
      taste: sums[m]!.taste / sums[m]!.items,
      ms_per_query: sums[m]!.ms / cases.length,
    })),
  };
}
