// The ranking term of G's step on hand-made scores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { designRankingLoss } from '../../src/models/design_ranking.js';

const t = (x: number[]) => T.tensor(x);
const b = (x: boolean[]) => T.gt(T.tensor(x.map(Number)), 0.5);

test("designRankingLoss: BPR of the own design against the other query's and the other user's, over the rows whose partner differs", () => {
  T.tidy(() => {
    // Own design far ahead of both: no loss, every row wins.
    const ahead = designRankingLoss(t([10, 10]), t([-10, -10]), t([-10, -10]), b([true, true]), b([true, true]));
    assert.ok(ahead.loss.item() < 1e-6);
    assert.equal(ahead.queryWin.item(), 1);
    assert.equal(ahead.userWin.item(), 1);
    // Equal scores (a design that ignores its query and user): ln 2 and no win.
    const same = designRankingLoss(t([1, 2]), t([1, 2]), t([1, 2]), b([true, true]), b([true, true]));
    assert.ok(Math.abs(same.loss.item() - Math.LN2) < 1e-6);
    assert.equal(same.queryWin.item(), 0);
    // Rows whose partner has the same query or user are left out of that term.
    const masked = designRankingLoss(t([0, 0]), t([-100, 100]), t([100, -100]), b([true, false]), b([false, true]));
    assert.ok(masked.loss.item() < 1e-6, 'only the won comparisons count');
    assert.equal(masked.queryWin.item(), 1);
    assert.equal(masked.userWin.item(), 1);
    // The value: 1/2 (softplus(-(1 - 0)) + softplus(-(1 - 3))).
    const v = designRankingLoss(t([1]), t([0]), t([3]), b([true]), b([true])).loss.item();
    const softplus = (x: number) => Math.log1p(Math.exp(x));
    assert.ok(Math.abs(v - 0.5 * (softplus(-1) + softplus(2))) < 1e-6);
    // No user term (a user-unaware model): the query term alone, userWin NaN.
    const q = designRankingLoss(t([1]), t([0]), null, b([true]), null);
    assert.ok(Math.abs(q.loss.item() - softplus(-1)) < 1e-6);
    assert.ok(Number.isNaN(q.userWin.item()));
    // The query's share weighs the two terms: a q + (1 - a) u.
    const w = designRankingLoss(t([1]), t([0]), t([3]), b([true]), b([true]), 0.25).loss.item();
    assert.ok(Math.abs(w - (0.25 * softplus(-1) + 0.75 * softplus(2))) < 1e-6);
    const only = designRankingLoss(t([1]), t([0]), t([3]), b([true]), b([true]), 1).loss.item();
    assert.ok(Math.abs(only - softplus(-1)) < 1e-6);
  });
});

test("designRankingLoss: gradient raises the own score and lowers the others'", () => {
  T.tidy(() => {
    const own = t([0.5, -0.2]).requiresGrad_(),
      q = t([0.1, 0.3]).requiresGrad_(),
      u = t([0.0, 0.0]).requiresGrad_();
    designRankingLoss(own, q, u, b([true, true]), b([true, true])).loss.backward();
    for (const x of own.grad!.toArray()) assert.ok(x < 0);
    for (const x of [...q.grad!.toArray(), ...u.grad!.toArray()]) assert.ok(x > 0);
  });
});
