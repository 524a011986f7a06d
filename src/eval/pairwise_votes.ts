// Fig. 4 without people: the paper's user study asks which of two designs goes
// better with the query; here the synthetic world's oracle answers, per test
// case, by comparing compat(q, design) of the reference model's design with
// another model's design for the same (query, user). A tie counts as half a vote.
import type { EvalCase } from './designs.js';

export interface PairwiseVotes {
  reference: string;
  against: string;
  cases: number;
  wins: number; // the reference's design had the higher compat
  ties: number;
  losses: number;
  share: number; // (wins + ties / 2) / cases
  ci95: [number, number]; // Wilson score interval of the share
}

/** Wilson score interval (95%) of a proportion p out of n. */
export function wilson(p: number, n: number, z = 1.959964): [number, number] {
  if (n === 0) return [0, 1];
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Whether two runs were evaluated on the same cases (so their designs can be compared one by one). */
export function sameCases(a: EvalCase[], b: EvalCase[]): boolean {
  return a.length === b.length && a.every((c, i) => c.target === b[i]!.target && c.query === b[i]!.query && c.user === b[i]!.user);
}

export function pairwiseVotes(reference: string, ref: number[], against: string, other: number[]): PairwiseVotes {
  if (ref.length !== other.length) throw new Error(`pairwise votes need the same cases: ${ref.length} vs ${other.length}`);
  let wins = 0,
    ties = 0;
  ref.forEach((x, i) => {
    const y = other[i]!;
    if (Math.abs(x - y) < 1e-12) ties++;
    else if (x > y) wins++;
  });
  const n = ref.length,
    share = n ? (wins + ties / 2) / n : NaN;
  return { reference, against, cases: n, wins, ties, losses: n - wins - ties, share, ci95: wilson(share, n) };
}
