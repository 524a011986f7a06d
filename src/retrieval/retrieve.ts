// Design-and-retrieve (section 4.5, Fig. 6): design the complement of a query
// for a user, then find the real catalog items nearest to the design.
//   nearest   the k nearest items to the design (the paper's method)
//   compat    design-then-rank: the `candidates` nearest items, re-ranked by the
//             model's own compatibility score s_{u,o} with the query
// and, as the recommender baseline that needs no design, `rankCatalog`: every
// catalog item scored by s_{u,o} with the query (exhaustive, O(catalog)).
import * as T from '../torch/index.js';
import type { TrainedModel } from '../run/trained_model.js';
import type { FashionDataset } from '../data/manifest.js';
import { unitToBytes } from '../data/images.js';
import { itemCodes } from '../models/item_codes.js';
import { requireDesigner } from '../models/fashion_model.js';
import { embedForIndex, type CatalogIndex } from './catalog_index.js';

export type RetrievalRanking = 'nearest' | 'compat';
export const RETRIEVAL_RANKINGS: readonly RetrievalRanking[] = ['nearest', 'compat'];

export interface RetrievedItem {
  item: number; // dataset index in the category's item list
  id: string; // the dataset's item id
  distance: number; // squared L2 distance to the design in the index's embedding (NaN for rankCatalog)
  score: number; // s_{u,o} of (query, item) for the user
}

export interface RetrieveOptions {
  k: number;
  ranking: RetrievalRanking;
  candidates: number; // nearest items re-ranked by 'compat'
  device: T.Device;
}

/** s_{u,o} of the query [1, 3, S, S] with index rows `rows` for model user `user` -> [rows.length]. */
function scores(trained: TrainedModel, index: CatalogIndex, query: T.Tensor, user: number, rows: number[], device: T.Device): number[] {
  if (rows.length === 0) return [];
  const model = requireDesigner(trained.model, 'scoring retrieved items');
  return T.tidy(() => {
    const zq = itemCodes(model, unitToBytes(query), device); // [1, latent]
    const zc = T.toDevice(T.indexSelect(index.codes, 0, T.tensor(rows, { dtype: 'int64' })), device); // [R, latent]
    const users = T.toDevice(T.full([rows.length], user, { dtype: 'int64' }), device);
    return T.noGrad(() => model.score(users, T.expand(zq, [rows.length, -1]), zc)).toArray();
  });
}

const itemsOf = (d: FashionDataset, index: CatalogIndex) => (index.category === 'top' ? d.tops : d.bottoms);

/** Designs for (query, user) and retrieves k real items. design: [1, 3, S, S] in [-1, 1] (kept; dispose it). */
export function designAndRetrieve(
  trained: TrainedModel,
  dataset: FashionDataset,
  index: CatalogIndex,
  query: T.Tensor,
  user: number,
  o: RetrieveOptions,
): { design: T.Tensor; items: RetrievedItem[] } {
  const design = T.tidy(() => T.keep(trained.model.design(query, T.tensor([user], { dtype: 'int64', device: o.device }), index.category)));
  const items = retrieveNear(trained, dataset, index, design, query, user, o);
  return { design, items };
}

/** The real items nearest to `design` [1, 3, S, S], ranked as `o.ranking` says. */
export function retrieveNear(
  trained: TrainedModel,
  dataset: FashionDataset,
  index: CatalogIndex,
  design: T.Tensor,
  query: T.Tensor,
  user: number,
  o: RetrieveOptions,
): RetrievedItem[] {
  const n = index.items.length;
  const want = Math.min(n, o.ranking === 'compat' ? Math.max(o.k, o.candidates) : o.k);
  const e = embedForIndex(trained, design, index.embedding, o.device)[0]!;
  const knn = index.hnsw.searchKnn(Array.from(e), want);
  const s = scores(trained, index, query, user, knn.neighbors, o.device);
  const list = itemsOf(dataset, index);
  let out = knn.neighbors.map((row, i) => ({
    item: index.items[row]!,
    id: list[index.items[row]!]!.id,
    distance: knn.distances[i]!,
    score: s[i]!,
  }));
  out.sort((a, b) => a.distance - b.distance);
  if (o.ranking === 'compat') out = out.sort((a, b) => b.score - a.score);
  return out.slice(0, o.k);
}

/** The recommender baseline: the k catalog items with the highest s_{u,o} with the query. */
export function rankCatalog(
  trained: TrainedModel,
  dataset: FashionDataset,
  index: CatalogIndex,
  query: T.Tensor,
  user: number,
  k: number,
  device: T.Device,
): RetrievedItem[] {
  const rows = index.items.map((_, i) => i);
  const s = scores(trained, index, query, user, rows, device);
  const list = itemsOf(dataset, index);
  return rows
    .map((r) => ({ item: index.items[r]!, id: list[index.items[r]!]!.id, distance: NaN, score: s[r]! }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
