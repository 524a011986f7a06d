// The paper's losses against values computed by hand on tiny tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { bprLoss, generatorCompatLoss, generatorCompatLossScaled } from '../../src/models/compat_losses.js';
import { ralsganDiscriminatorLoss, ralsganGeneratorLoss } from '../../src/models/ralsgan.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);
const sig = (x: number) => 1 / (1 + Math.exp(-x));

test('RaLSGAN discriminator and generator losses (Eq. 1, 2)', () => {
  T.tidy(() => {
    const r = [1, 3],
      f = [0, -2]; // E r = 2, E f = -1
    const dr = T.tensor(r),
      df = T.tensor(f);
    // L_D = 1/2 mean((r - Ef - 1)^2) + 1/2 mean((f - Er + 1)^2) = 1/2 (1+9)/2 + 1/2 (1+9)/2 = 5
    close(ralsganDiscriminatorLoss(dr, df).item(), 0.5 * ((1 + 9) / 2) + 0.5 * ((1 + 9) / 2), 'L_D');
    // L_G = 1/2 mean((f - Er)^2) + 1/2 mean((r - Ef)^2) = 1/2 (4+16)/2 + 1/2 (4+16)/2 = 10
    close(ralsganGeneratorLoss(dr, df).item(), 10, 'L_G');
  });
});

test('BPR loss with L2 regularization (Eq. 10)', () => {
  T.tidy(() => {
    const sPos = T.tensor([2, 0.5]),
      sNeg = T.tensor([1, 1]);
    const expected = -(Math.log(sig(1)) + Math.log(sig(-0.5))) / 2;
    close(bprLoss(sPos, sNeg).item(), expected, 'BPR without regularization');
    const w = T.tensor([
        [1, 2],
        [3, 0],
      ]),
      b = T.tensor([1]); // ||.||^2 = 14 + 1
    close(bprLoss(sPos, sNeg, [w, b], 1e-2).item(), expected + 1e-2 * 15, 'BPR + lambda ||theta||^2');
    // Ranking positives above negatives lowers it.
    assert.ok(bprLoss(T.tensor([5, 5]), sNeg).item() < bprLoss(sPos, sNeg).item());
  });
});

test('generator compatibility loss (Eq. 11)', () => {
  T.tidy(() => {
    const sPos = T.tensor([1, 3]),
      sStar = T.tensor([0, 0]); // E s+ = 2, E s* = 0
    // 1/2 mean((s+ - 0)^2) + 1/2 mean((s* - 2)^2) = 1/2 * 5 + 1/2 * 4
    close(generatorCompatLoss(sPos, sStar).item(), 4.5, 'L_G^FM');
    close(generatorCompatLoss(sPos, sPos).item(), 0.5 * 1 + 0.5 * 1, 'same scores still pay the spread');
    // Its gradient pulls designed scores towards the positives.
    const s = T.tensor([0, 0], { requiresGrad: true });
    generatorCompatLoss(sPos, s).backward();
    assert.ok(s.grad!.toArray().every((g) => g < 0));
  });
});

test("Eq. 11 in units of the positives' spread: divided by std(s+)^2 when that exceeds 1, unchanged below", () => {
  T.tidy(() => {
    // s+ = [0, 4]: E s+ = 2, unbiased std = 2 sqrt(2); s* = [1, 1].
    // raw = 1/2 mean((s+ - 1)^2) + 1/2 mean((1 - 2)^2) = 1/2 * 5 + 1/2 * 1 = 3; scaled = 3 / 8.
    close(generatorCompatLoss(T.tensor([0, 4]), T.tensor([1, 1])).item(), 3, 'raw');
    close(generatorCompatLossScaled(T.tensor([0, 4]), T.tensor([1, 1])).item(), 3 / 8, 'scaled');
    // A spread below 1 is left alone (no amplification of tiny early spreads).
    close(
      generatorCompatLossScaled(T.tensor([0, 0.5]), T.tensor([1, 1])).item(),
      generatorCompatLoss(T.tensor([0, 0.5]), T.tensor([1, 1])).item(),
      'small spread',
    );
    // The scale is a constant for the gradient: d/ds* = raw gradient / 8.
    const s = T.tensor([1, 1], { requiresGrad: true });
    generatorCompatLossScaled(T.tensor([0, 4]), s).backward();
    const r = T.tensor([1, 1], { requiresGrad: true });
    generatorCompatLoss(T.tensor([0, 4]), r).backward();
    s.grad!.toArray().forEach((g, i) => close(g, r.grad!.toArray()[i]! / 8, 'gradient'));
  });
});

test("query-pair losses: associated pairs -> 1, designed and unassociated pairs -> 0; unassociated pairs are another row's complement", async () => {
  const { pairDiscriminatorLoss, pairGeneratorLoss, unassociated } = await import('../../src/models/query_pair_discriminator.js');
  T.tidy(() => {
    const one = T.ones([4]),
      zero = T.zeros([4]);
    assert.equal(pairDiscriminatorLoss(one, zero, zero).item(), 0, 'a perfect D_pair');
    assert.equal(pairDiscriminatorLoss(zero, one, one).item(), 1, '(1 + (1 + 1) / 2) / 2');
    assert.equal(pairGeneratorLoss(one).item(), 0);
    assert.equal(pairGeneratorLoss(zero).item(), 0.5);
    const x = T.reshape(T.arange(0, 4, 1), [4, 1, 1, 1]);
    assert.deepEqual(T.reshape(unassociated(x), [4]).toArray(), [1, 2, 3, 0]);
  });
});

test('query mode-seeking term: large when G ignores the query, small when designs move with it', async () => {
  const { queryModeSeekingLoss, nextRow } = await import('../../src/models/query_mode_seeking.js');
  T.tidy(() => {
    const zq = T.reshape(T.arange(0, 8, 1), [4, 2]); // rows differ by 2 per dimension
    const same = T.zeros([4, 3, 2, 2]);
    assert.ok(queryModeSeekingLoss(zq, same, same).item() > 1e4, 'one design for every query');
    const x = T.reshape(T.arange(0, 48, 1), [4, 3, 2, 2]); // rows differ by 12 per pixel (the last by 36)
    const l = queryModeSeekingLoss(zq, x, nextRow(x)).item();
    close(l, (3 * (2 / 12) + 6 / 36) / 4, 'mean of |dz| / |dx| per row');
  });
});

test('query mode-seeking term with a mask: colour put outside the silhouettes does not count', async () => {
  const { queryModeSeekingLoss, nextRow } = await import('../../src/models/query_mode_seeking.js');
  const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-3, `${what}: ${a} vs ${b}`);
  T.tidy(() => {
    const zq = T.reshape(T.arange(0, 8, 1), [4, 2]); // |dz| 2 per row, 6 for the last
    // 4x4 designs: the top half the "garment" (value g), the bottom half the "background under the hem" (value h).
    const design = (g: number, h: number) => T.reshape(T.tensor(Array.from({ length: 48 }, (_, i) => (i % 16 >= 8 ? h : g))), [1, 3, 4, 4]);
    const x = T.cat([design(0, 0), design(0, 1), design(0, 0), design(0, 1)], 0); // the garments alike, the backgrounds not
    const topHalf = T.reshape(T.tensor(Array.from({ length: 16 }, (_, i) => (i >= 8 ? 0 : 1))), [1, 1, 4, 4]);
    const mask = T.cat([topHalf, topHalf, topHalf, topHalf], 0); // [4, 1, 4, 4]
    near(
      queryModeSeekingLoss(zq, x, nextRow(x)).item(),
      (3 * (2 / 0.5) + 6 / 0.5) / 4,
      'unmasked: the background differs by 1 on half the pixels',
    );
    assert.ok(queryModeSeekingLoss(zq, x, nextRow(x), mask).item() > 1e4, 'masked: the garments are the same, so the designs are too');
    // A change inside the mask counts as the mean over the masked pixels: garments 0, 2, 0, 2.
    const y4 = T.cat([design(0, 0), design(2, 1), design(0, 0), design(2, 1)], 0);
    near(queryModeSeekingLoss(zq, y4, nextRow(y4), mask).item(), (3 * (2 / 2) + 6 / 2) / 4, 'masked: |dz| / 2 per row');
  });
});
