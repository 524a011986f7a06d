// Improved precision and recall on hand-made feature sets, and the real reference sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { precisionRecall } from '../../src/eval/realism.js';

const points = (rows: number[][]) => T.tensor(rows.flat(), { shape: [rows.length, rows[0]!.length] });

test('precision and recall: identical sets 1/1, disjoint sets 0/0, a set inside a wider one full precision and partial recall', () => {
  T.tidy(() => {
    const a = points(Array.from({ length: 20 }, (_, i) => [i % 5, Math.floor(i / 5)]));
    assert.deepEqual(precisionRecall(a, a), { precision: 1, recall: 1 });
    const far = T.add(a, 1000);
    assert.deepEqual(precisionRecall(far, a), { precision: 0, recall: 0 });
    // Fakes on one corner of the real grid: all inside the real manifold, covering few real points.
    const corner = points(Array.from({ length: 8 }, (_, i) => [0.1 * (i % 4), 0.1 * Math.floor(i / 4)]));
    const pr = precisionRecall(corner, a);
    assert.equal(pr.precision, 1);
    assert.ok(pr.recall > 0 && pr.recall < 0.5, `recall ${pr.recall}`);
    assert.throws(() => precisionRecall(points([[0], [1]]), a), /needs more than 3 samples in each set/);
  });
});

test('precision and recall: the k-th neighbour radius counts other points, not the point itself', () => {
  T.tidy(() => {
    // Real points at 0, 1, 2, 3, 10 (1-d): with k = 3, the point at 10 reaches 3 (radius 7^2); a fake at 5 is inside its ball.
    const real = points([[0], [1], [2], [3], [10]]);
    const fake = points([[5], [5.5], [6], [100]]);
    const { precision } = precisionRecall(fake, real, 3);
    assert.equal(precision, 0.75, 'three of four fakes lie within the radius of the point at 10');
  });
});
