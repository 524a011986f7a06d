// Evaluation metrics against independently computed references
// (scripts/fixtures/make_eval_fixtures.py: scikit-image, SciPy, torch-fidelity's formula).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { ssim, gaussianWindow } from '../../src/eval/ssim.js';
import { featureStats, frechetDistance } from '../../src/eval/frechet.js';
import { inceptionScore } from '../../src/eval/inception_score.js';
import { auc, meanGroupAuc } from '../../src/eval/auc.js';
import { fixture } from '../helpers.js';

const f = fixture('eval_metrics.safetensors');
const close = (a: number[], e: number[], tol: number, what: string) => {
  assert.equal(a.length, e.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - e[i]!) <= tol, `${what}[${i}]: ${x} vs ${e[i]}`));
};

test('SSIM equals scikit-image structural_similarity (Gaussian 11x11, sigma 1.5, population covariance) to 1e-4', () => {
  T.tidy(() => {
    close(ssim(f.get('ssim.u8.a'), f.get('ssim.u8.b'), 255).toArray(), f.get('ssim.u8.expected').toArray(), 1e-4, 'uint8');
    close(ssim(f.get('ssim.f64.a'), f.get('ssim.f64.b'), 2).toArray(), f.get('ssim.f64.expected').toArray(), 1e-4, 'float');
    // An image with itself is 1; the window is 11 taps.
    close(ssim(f.get('ssim.u8.a'), f.get('ssim.u8.a'), 255).toArray(), [1, 1, 1, 1], 1e-12, 'self');
    assert.equal(gaussianWindow().length, 11);
    assert.throws(() => ssim(T.zeros([1, 3, 8, 8]), T.zeros([1, 3, 8, 8]), 1), /smaller than the 11x11 window/);
  });
  const e = f.get('ssim.u8.expected').toArray();
  assert.ok(e[0]! > e[3]!, 'the fixture spans similar and unrelated pairs');
});

test('Frechet distance equals SciPy sqrtm-based FID; a set against itself is 0; it grows with a shift', () => {
  const a = featureStats(f.get('fid.a')),
    b = featureStats(f.get('fid.b'));
  const expected = f.get('fid.expected').item();
  const got = frechetDistance(a, b);
  assert.ok(Math.abs(got.value - expected) <= 1e-6 * Math.max(1, expected), `${got.value} vs ${expected}`);
  assert.equal(got.warning, undefined);
  assert.ok(frechetDistance(a, a).value < 1e-6, 'a set against itself');
  // Shifting every feature by delta adds |delta|^2 = D * delta^2 exactly.
  const shifted = featureStats(T.tidy(() => T.add(f.get('fid.a'), 0.5)));
  const d = frechetDistance(a, shifted).value;
  assert.ok(Math.abs(d - 16 * 0.25) < 1e-6, `shift by 0.5 in 16-d: ${d}`);
  // Fewer samples than dimensions: a clear warning, and a real, finite value.
  const few = featureStats(T.tidy(() => T.narrow(f.get('fid.b'), 0, 0, 10)));
  const w = frechetDistance(a, few);
  assert.ok(Number.isFinite(w.value));
  assert.match(w.warning!, /only 10 samples for 16-d features: the covariance is singular/);
  T.dispose([a.mu, a.sigma, b.mu, b.sigma, shifted.mu, shifted.sigma, few.mu, few.sigma]);
});

test('Inception Score: torch-fidelity formula (10 splits); a uniform predictor scores 1, K confident classes score K', () => {
  const e = f.get('is.expected').toArray();
  const got = inceptionScore(f.get('is.logits'), 10, null);
  close([got.mean, got.std], e, 1e-9, 'IS');
  T.tidy(() => {
    assert.ok(Math.abs(inceptionScore(T.zeros([50, 7]), 10).mean - 1) < 1e-12, 'uniform');
    const confident = T.tensor(
      Array.from({ length: 400 * 4 }, (_, i) => (Math.floor(i / 4) % 4 === i % 4 ? 50 : 0)),
      { dtype: 'float64', shape: [400, 4] },
    );
    const s = inceptionScore(confident, 1);
    assert.ok(Math.abs(s.mean - 4) < 1e-9, `4 equally used confident classes: ${s.mean}`);
  });
  const a = inceptionScore(f.get('is.logits'), 10, 5),
    b = inceptionScore(f.get('is.logits'), 10, 5);
  assert.deepEqual(a, b, 'the shuffle is seeded');
});

test('AUC: hand-computed cases, ties count one half, per-group mean', () => {
  assert.equal(auc([3, 4], [1, 2]), 1);
  assert.equal(auc([1, 2], [3, 4]), 0);
  assert.equal(auc([1, 3], [2]), 0.5);
  assert.equal(auc([2], [2]), 0.5);
  assert.equal(auc([1, 2, 3], [2, 2]), (0 + 0.5 + 0.5 + 1 + 1) / 6);
  assert.throws(() => auc([], [1]), /need positives and negatives/);
  const g = meanGroupAuc([
    { pos: [2], neg: [1] },
    { pos: [1], neg: [2] },
    { pos: [], neg: [1] },
  ]);
  assert.deepEqual(g, { mean: 0.5, groups: 2 });
});
