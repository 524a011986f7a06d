// The oracle's figures for M's picks instead of G's designs: for each evaluation case
// (q, u), the test item of the designed category that the compatibility model ranks
// first, argmax_c s_u(q, F(c)), read by the oracle classifier as the designs are (and,
// in `exact`, with the world's own attributes). It says what G would reach if it drew the compatibility model's favourite exactly,
// so it separates the two halves of the model: when M's pick scores well and G's
// design does not, G is the limit; when both score poorly, F, M and theta_u are.
// The other-user and other-query picks are made as the designs are (case.other, case.swap).
import path from 'node:path';
import * as T from '../torch/index.js';
import type { Designer, Category } from '../models/designer.js';
import { mPicks, pickRowsFor } from '../models/m_pick.js';
import type { SplitImages } from '../data/cache.js';
import { splitItemBytes } from '../data/cache.js';
import { bytesToUnit } from '../data/images.js';
import type { FashionDataset } from '../data/manifest.js';
import { WorldOracle, type World } from '../data/world/world.js';
import type { ItemAttributes } from '../data/world/attributes.js';
import type { EvalCase } from './designs.js';
import { classifyAll, oracleFigures, type OracleMetrics } from './oracle_metrics.js';
import type { AttributeClassifier } from '../data/world/classifier.js';

interface Catalog {
  ids: number[];
  z: T.Tensor;
  row: Map<number, number>;
} // z [N, latent], kept

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

export interface MPickFigures {
  read: OracleMetrics; // the picks read by the oracle classifier, as the designs are (like for like)
  exact: OracleMetrics; // the picks' own attributes
}

/** The oracle's figures (oracle_metrics.ts) of M's first picks among the test items, for the evaluation's cases. */
export function mPickFigures(
  model: Designer,
  test: SplitImages,
  dataset: FashionDataset,
  world: World,
  classifier: AttributeClassifier,
  cases: EvalCase[],
  seed: number,
  device: T.Device = 'cpu',
): MPickFigures {
  const oracle = new WorldOracle(world);
  const catalogs: Partial<Record<Category, Catalog>> = {};
  try {
    for (const cat of ['top', 'bottom'] as Category[]) catalogs[cat] = embedCatalog(model, test, cat, device);
    type Row = { target: Category; query: number; user: number };
    /** Dataset indices of the picks for rows (target, query item, user). */
    const picks = (rows: Row[]): number[] => {
      const out = new Array<number>(rows.length);
      for (const target of ['top', 'bottom'] as Category[]) {
        const idx = rows.map((r, i) => (r.target === target ? i : -1)).filter((i) => i >= 0);
        const pool = catalogs[target]!,
          queries = catalogs[target === 'top' ? 'bottom' : 'top']!;
        const per = pickRowsFor(pool.ids.length);
        for (let a = 0; a < idx.length; a += per) {
          const chunk = idx.slice(a, a + per);
          const best = T.tidy(() => {
            const zq = T.indexSelect(
              queries.z,
              0,
              T.tensor(
                chunk.map((i) => queries.row.get(rows[i]!.query)!),
                { dtype: 'int64', device },
              ),
            );
            return mPicks(
              model,
              T.tensor(
                chunk.map((i) => rows[i]!.user),
                { dtype: 'int64', device },
              ),
              zq,
              pool.z,
            ).toArray();
          });
          chunk.forEach((i, k) => (out[i] = pool.ids[best[k]!]!));
        }
      }
      return out;
    };
    const sets = {
      design: cases.map((c) => ({ target: c.target, query: c.query, user: c.user })),
      other: cases.map((c) => ({ target: c.target, query: c.query, user: c.other })),
      swapped: cases.map((c) => ({ target: c.target, query: (c.swap >= 0 ? cases[c.swap]! : c).query, user: c.user })),
    };
    const chosen = { design: picks(sets.design), other: picks(sets.other), swapped: picks(sets.swapped) };
    const exactOf = (rows: Row[], ids: number[]) =>
      ids.map(
        (id, i) => oracle.item(path.parse((rows[i]!.target === 'top' ? dataset.tops : dataset.bottoms)[id]!.id).name) as ItemAttributes,
      );
    /** The picked images read by the classifier, in row order. */
    const readOf = (rows: Row[], ids: number[]): ItemAttributes[] => {
      const out = new Array<ItemAttributes>(rows.length);
      for (const cat of ['top', 'bottom'] as Category[]) {
        const idx = rows.map((r, i) => (r.target === cat ? i : -1)).filter((i) => i >= 0);
        if (!idx.length) continue;
        const attrs = T.tidy(() =>
          classifyAll(
            classifier,
            bytesToUnit(
              splitItemBytes(
                test,
                cat,
                idx.map((i) => ids[i]!),
              ),
            ),
          ),
        );
        idx.forEach((i, k) => (out[i] = attrs[k]!));
      }
      return out;
    };
    const figures = (of: (rows: Row[], ids: number[]) => ItemAttributes[]) =>
      oracleFigures(
        world,
        dataset,
        cases,
        {
          design: of(sets.design, chosen.design),
          other: of(sets.other, chosen.other),
          swapped: of(sets.swapped, chosen.swapped),
        },
        seed,
      );
    return { read: figures(readOf), exact: figures(exactOf) };
  } finally {
    T.dispose(Object.values(catalogs).map((c) => c.z));
  }
}
