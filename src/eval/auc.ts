// ROC AUC as the Mann-Whitney statistic: the probability that a random
// positive scores above a random negative, ties counting one half.
// Computed from ranks in O((P + N) log(P + N)).

export function auc(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  const P = pos.length,
    N = neg.length;
  if (P === 0 || N === 0) throw new Error(`auc: need positives and negatives (got ${P} and ${N})`);
  const all = [...Array.from(pos, (s) => [s, 1] as const), ...Array.from(neg, (s) => [s, 0] as const)];
  for (const [s] of all) if (Number.isNaN(s)) throw new Error('auc: a score is NaN');
  all.sort((a, b) => a[0] - b[0]);
  let rankSumPos = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]![0] === all[i]![0]) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1 .. j share their mean
    for (let k = i; k < j; k++) if (all[k]![1] === 1) rankSumPos += midRank;
    i = j;
  }
  return (rankSumPos - (P * (P + 1)) / 2) / (P * N);
}

/** Mean over groups (e.g. users) of each group's AUC; groups lacking positives or negatives are skipped. */
export function meanGroupAuc(groups: Iterable<{ pos: number[]; neg: number[] }>): { mean: number; groups: number } {
  let sum = 0,
    count = 0;
  for (const g of groups) {
    if (g.pos.length === 0 || g.neg.length === 0) continue;
    sum += auc(g.pos, g.neg);
    count++;
  }
  return { mean: count ? sum / count : NaN, groups: count };
}
