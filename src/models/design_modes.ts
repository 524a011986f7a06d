// Design modes (an option beyond the paper, `--design-modes K`): G draws each (query, user)
// K ways, and M chooses.
//
// Why: the paper's G is deterministic, and its L1 targets for one (query, user) disagree (the
// user's own complements, M's picks for them): trained toward all of them, G draws their
// average, a garment of two or three colour patches that is no one's favourite (docs/training.md,
// "Twelfth round"). With K modes, each training row's loss goes to the mode already closest to
// its target (multiple-choice learning, Guzman-Rivera et al. 2012), so the modes specialize
// instead of averaging; at design time M, which ranks real items for a user far better than G
// draws them, scores the K designs and keeps its first choice.
import * as T from '../torch/index.js';
import type { Decoder } from './decoder.js';

/**
 * Share of training rows whose mode is drawn at random instead of the closest one: every mode
 * keeps receiving the adversarial and compatibility terms (a mode never closest would otherwise
 * stop learning to look real, and M might still choose it at design time).
 */
export const MODE_EXPLORE = 0.25;

/** Row i of K * B repeated rows is (mode i / B, row i % B): x [B, ...] -> [K * B, ...]. */
export function repeatForModes(x: T.Tensor, K: number): T.Tensor {
  return T.cat(Array.from({ length: K }, () => x), 0);
}

/** The modes of repeatForModes' rows: int64 [K * B] = 0 (B times), 1 (B times), ... */
export function modeIndex(K: number, B: number, device: T.Device): T.Tensor {
  return T.reshape(T.expand(T.unsqueeze(T.arange(0, K, 1, { dtype: 'int64', device }), 1), [K, B]), [K * B]);
}

/** Uniformly random modes int64 [B]. */
export function randomModes(K: number, B: number, device: T.Device): T.Tensor {
  return T.randint(0, K, [B], { dtype: 'int64', device });
}

/**
 * For each row, the mode whose design is closest (mean |.|) to target [B, 3, S, S], a share
 * `explore` of rows taking a random mode instead. G's input h [B, D]; no gradient. -> int64 [B]
 */
export function closestModes(G: Decoder, h: T.Tensor, target: T.Tensor, explore = MODE_EXPLORE): T.Tensor {
  const K = G.modes;
  const [B, device] = [h.size(0), h.device as T.Device];
  // In eval mode (running statistics): the K x B pass must not move G's BatchNorm statistics,
  // and each mode is judged as it is drawn when designing, not under this batch's statistics.
  const wasTraining = G.training;
  G.eval();
  try {
    return closestIn(G, h, target, explore, K, B, device);
  } finally {
    G.train(wasTraining);
  }
}

function closestIn(G: Decoder, h: T.Tensor, target: T.Tensor, explore: number, K: number, B: number, device: T.Device): T.Tensor {
  return T.tidy(() => T.noGrad(() => {
    const designs = T.toDtype(G.forward(repeatForModes(h, K), modeIndex(K, B, device)), 'float32'); // [K * B, 3, S, S]
    const dist = T.reshape(T.mean(T.abs(T.sub(designs, repeatForModes(T.toDtype(target, 'float32'), K))), [1, 2, 3]), [K, B]);
    const best = T.argmin(dist, 0); // [B]
    if (explore <= 0) return best;
    return T.where(T.lt(T.rand([B], { device }), explore), randomModes(K, B, device), best);
  }));
}

/**
 * Picks row b of mode best[b] from K * B rows laid out as repeatForModes' (x [K * B, ...],
 * best int64 [B]) -> [B, ...].
 */
export function selectModes(x: T.Tensor, best: T.Tensor): T.Tensor {
  const B = best.size(0);
  const rows = T.add(T.mul(best, B), T.arange(0, B, 1, { dtype: 'int64', device: best.device as T.Device })); // [B]
  return T.indexSelect(x, 0, rows);
}
