// A mode-seeking term over queries (an option beyond the paper; the idea of
// MSGAN, Mao et al. CVPR 2019, with the query code in the place of the noise):
// for each row, the design for (q_i, u_i) and the design for (q_j, u_i), the same
// user with another row's query, should differ at least in proportion to how
// their query codes differ:
//   ratio_i = mean|G(q_i, u_i) - G(q_j, u_i)| / mean|z_qi - z_qj|
//   L_ms    = mean_i 1 / (ratio_i + eps)
// Small when G's design moves with its query; large when G draws one design per
// user whatever the query (the collapse measured in docs/experiments/01-designs-follow-query.md).
// With a mask [N, 1, S, S] (1 = counted), the image distance is the mean over the masked pixels
// alone: with the union of the two rows' real complements' silhouettes, colour put on the
// background (smudges under the hems) cannot satisfy it (docs/experiments/15-demo-budget-ms-mask.md).
import * as T from '../torch/index.js';

const EPS = 1e-5;

/** Row i -> row i + 1 (the last row takes the first): another row's value for each row. [N, ...] */
export function nextRow(x: T.Tensor): T.Tensor {
  const n = x.size(0);
  return n < 2 ? x : T.cat([T.narrow(x, 0, 1, n - 1), T.narrow(x, 0, 0, 1)], 0);
}

/** Whether each row's query code differs from the next row's (a duplicate query in a batch does not) [N] bool. zq [N, latent] */
export function queryDiffersFromNext(zq: T.Tensor): T.Tensor {
  return codesDiffer(queryCodeDistanceToNext(zq));
}

/** Whether a code distance [N] separates two queries (a duplicate query's is 0) [N] bool. */
function codesDiffer(dZ: T.Tensor): T.Tensor {
  return T.gt(dZ, 1e-6);
}

/** mean|z_qi - z_q(i+1)| per row [N], in fp32. zq [N, latent] */
function queryCodeDistanceToNext(zq: T.Tensor): T.Tensor {
  return T.mean(T.abs(T.sub(T.toDtype(zq, 'float32'), T.toDtype(nextRow(zq), 'float32'))), [1]);
}

/**
 * zq [N, latent] (constant), design [N, 3, S, S], designForNextQuery [N, 3, S, S] (the same users,
 * zq of the next row), mask [N, 1, S, S] or none (every pixel) -> []
 */
export function queryModeSeekingLoss(zq: T.Tensor, design: T.Tensor, designForNextQuery: T.Tensor, mask?: T.Tensor): T.Tensor {
  const n = zq.size(0);
  const f32 = (x: T.Tensor) => T.toDtype(x, 'float32');
  const diff = T.abs(T.sub(f32(design), f32(designForNextQuery))); // [N, 3, S, S]
  let dImg: T.Tensor; // [N]
  if (mask) {
    const m = T.detach(f32(mask)); // [N, 1, S, S]
    const count = T.clamp(T.mul(T.sum(T.reshape(m, [n, -1]), [1]), 3), 1); // masked values per row (3 channels) [N]
    dImg = T.div(T.sum(T.reshape(T.mul(diff, m), [n, -1]), [1]), count);
  } else {
    dImg = T.mean(T.reshape(diff, [n, -1]), [1]);
  }
  const dZ = queryCodeDistanceToNext(zq); // [N]
  // Rows whose partner has the same query (duplicates in a batch) ask for nothing: G's two inputs are equal.
  const differ = T.toDtype(codesDiffer(dZ), 'float32'); // [N]
  const perRow = T.mul(T.reciprocal(T.add(T.div(dImg, T.add(dZ, EPS)), EPS)), differ);
  return T.div(T.sum(perRow), T.clamp(T.sum(differ), 1));
}
