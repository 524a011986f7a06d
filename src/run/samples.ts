// Grids of designs: rows = query items, columns = the query then one design
// per user (the paper's Fig. 7 layout when there is one query).
import * as T from '../torch/index.js';
import type { Category } from '../models/designer.js';
import type { FashionModel } from '../models/fashion_model.js';
import { imageGridPng } from '../data/images.js';

/** queries [Q, 3, S, S] in [-1, 1]; users: indices -> images [Q * (1 + U), 3, S, S] (caller's scope). */
export function designGrid(model: FashionModel, queries: T.Tensor, target: Category, users: number[]): T.Tensor {
  const Q = queries.size(0),
    U = users.length;
  const device = queries.device;
  // Every (query, user) pair in one batch: queries repeated per user.
  const q = T.reshape(T.expand(T.unsqueeze(queries, 1), [Q, U, ...queries.shape.slice(1)]), [Q * U, ...queries.shape.slice(1)]);
  const u = T.tensor(
    Array.from({ length: Q * U }, (_, i) => users[i % U]!),
    { dtype: 'int64', device },
  );
  return queryThenDesigns(queries, T.reshape(model.design(q, u, target), [Q, U, ...queries.shape.slice(1)]));
}

/** Grid rows, each a query then its designs: queries [Q, 3, S, S], designs [Q, U, 3, S, S] -> [Q * (1 + U), 3, S, S]. */
export function queryThenDesigns(queries: T.Tensor, designs: T.Tensor): T.Tensor {
  const [Q, U] = designs.shape as [number, number];
  return T.reshape(T.cat([T.unsqueeze(queries, 1), designs], 1), [Q * (1 + U), ...queries.shape.slice(1)]);
}

export async function designGridPng(model: FashionModel, queries: T.Tensor, target: Category, users: number[]): Promise<Buffer> {
  const grid = T.tidy(() => T.toDevice(designGrid(model, queries, target, users), 'cpu'));
  try {
    return await imageGridPng(grid, 1 + users.length);
  } finally {
    grid.dispose();
  }
}
