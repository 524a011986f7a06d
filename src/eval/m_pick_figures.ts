// The oracle's figures for M's picks instead of G's designs: for each evaluation case
// (q, u), the test item of the designed category that the compatibility model ranks
// first, argmax_c s_u(q, F(c)), read with the world's own attributes (no classifier).
// It says what G would reach if it drew the compatibility model's favourite exactly,
// so it separates the two halves of the model: when M's pick scores well and G's
// design does not, G is the limit; when both score poorly, F, M and theta_u are.
// The other-user and other-query picks are made as the designs are (case.other, case.swap).
import path from 'node:path';
import * as T from '../torch/index.js';
import type { Designer, Category } from '../models/designer.js';
import { mPicks } from '../models/m_pick.js';
import type { SplitImages } from '../data/cache.js';
import { splitItemBytes } from '../data/cache.js';
import { bytesToUnit } from '../data/images.js';
import type { FashionDataset } from '../data/manifest.js';
import { WorldOracle, type World } from '../data/world/world.js';
import type { ItemAttributes } from '../data/world/attributes.js';
import type { EvalCase } from './designs.js';
import { oracleFigures, type OracleMetrics } from './oracle_metrics.js';

interface Catalog { ids: number[]; z: T.Tensor; row: Map<number, number> } // z [N, latent], kept

function embedCatalog(model: Designer, test: SplitImages, cat: Category, device: T.Device): Catalog {
  const ids = [...(cat === 'top' ? test.topRow : test.bottomRow).keys()];
  const parts: T.Tensor[] = [];
  for (let a = 0; a < ids.length; a += 256) {
    parts.push(T.tidy(() => T.keep(model.queryCodes(T.toDevice(bytesToUnit(splitItemBytes(test, cat, ids.slice(a, a + 256))), device)))));
  }
  const z = T.tidy(() => T.keep(T.cat(parts, 0)));
  T.dispose(parts);
  return { ids, z, row: new Map(ids.map((id, i) => [id, i])) };
}

/** The oracle's figures (oracle_metrics.ts) of M's first picks among the test items, for the evaluation's cases. */
export function mPickFigures(model: Designer, test: SplitImages, dataset: FashionDataset, world: World, cases: EvalCase[], seed: number, device: T.Device = 'cpu'): OracleMetrics {
  const oracle = new WorldOracle(world);
  const catalogs = { top: embedCatalog(model, test, 'top', device), bottom: embedCatalog(model, test, 'bottom', device) };
  try {
    const attrs = (cat: Category, idx: number): ItemAttributes => oracle.item(path.parse((cat === 'top' ? dataset.tops : dataset.bottoms)[idx]!.id).name);
    /** Dataset indices of the picks for rows (target, query item, user). */
    const picks = (rows: { target: Category; query: number; user: number }[]): number[] => {
      const out = new Array<number>(rows.length);
      for (const target of ['top', 'bottom'] as Category[]) {
        const idx = rows.map((r, i) => (r.target === target ? i : -1)).filter((i) => i >= 0);
        const pool = catalogs[target], queries = catalogs[target === 'top' ? 'bottom' : 'top'];
        for (let a = 0; a < idx.length; a += 64) {
          const chunk = idx.slice(a, a + 64);
          const best = T.tidy(() => {
            const zq = T.indexSelect(queries.z, 0, T.tensor(chunk.map((i) => queries.row.get(rows[i]!.query)!), { dtype: 'int64', device }));
            return mPicks(model, T.tensor(chunk.map((i) => rows[i]!.user), { dtype: 'int64', device }), zq, pool.z).toArray();
          });
          chunk.forEach((i, k) => (out[i] = pool.ids[best[k]!]!));
        }
      }
      return out;
    };
    const read = (rows: { target: Category; query: number; user: number }[]) => picks(rows).map((id, i) => attrs(rows[i]!.target, id));
    return oracleFigures(world, dataset, cases, {
      design: read(cases.map((c) => ({ target: c.target, query: c.query, user: c.user }))),
      other: read(cases.map((c) => ({ target: c.target, query: c.query, user: c.other }))),
      swapped: read(cases.map((c) => ({ target: c.target, query: (c.swap >= 0 ? cases[c.swap]! : c).query, user: c.user }))),
    }, seed);
  } finally {
    T.dispose([catalogs.top.z, catalogs.bottom.z]);
  }
}
