// Fig. 4's pairwise votes: counting, ties, the Wilson interval, same-case check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairwiseVotes, sameCases, wilson } from '../../src/eval/pairwise_votes.js';
import type { EvalCase } from '../../src/eval/designs.js';

test('votes: wins, ties as half, losses', () => {
  const v = pairwiseVotes('designer', [0.9, 0.5, 0.2, 0.7], 'pix2pix', [0.1, 0.5, 0.3, 0.6]);
  assert.deepEqual({ wins: v.wins, ties: v.ties, losses: v.losses, cases: v.cases }, { wins: 2, ties: 1, losses: 1, cases: 4 });
  assert.equal(v.share, 2.5 / 4);
  assert.ok(v.ci95[0] < v.share && v.share < v.ci95[1]);
  assert.throws(() => pairwiseVotes('a', [1], 'b', [1, 2]), /same cases/);
});

test('Wilson interval matches the textbook value and narrows with n', () => {
  // p = 0.5, n = 100: [0.4038, 0.5962]
  const [lo, hi] = wilson(0.5, 100);
  assert.ok(Math.abs(lo - 0.4038) < 1e-3 && Math.abs(hi - 0.5962) < 1e-3, `${lo} ${hi}`);
  const [lo2, hi2] = wilson(0.5, 1000);
  assert.ok(hi2 - lo2 < hi - lo);
  assert.deepEqual(
    wilson(1, 10).map((x) => x <= 1),
    [true, true],
  );
});

test('sameCases compares target, query and user in order', () => {
  const c = (query: number, user: number): EvalCase => ({ target: 'bottom', query, user }) as unknown as EvalCase;
  assert.ok(sameCases([c(1, 2), c(3, 4)], [c(1, 2), c(3, 4)]));
  assert.ok(!sameCases([c(1, 2), c(3, 4)], [c(3, 4), c(1, 2)]));
  assert.ok(!sameCases([c(1, 2)], [c(1, 2), c(3, 4)]));
});
