// DiffAugment (--diff-augment) on hand-made images: translations move content by at most 1/8 of
// the side and replicate edges, cutouts blank at most a half-side square, gradients flow to the
// image, and a run with it trains and resumes exactly.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { diffAugment } from '../../src/models/diff_augment.js';
import { train } from '../../src/train/trainer.js';
import { RunDir } from '../../src/run/run_dir.js';
import { tmp } from '../data/fixtures.js';
import { tinyConfig, tinyWorld } from '../train/fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorld();
});

/** [B, 1, S, S] images, each 0 but for one pixel of value 1 at (r, c). */
const dots = (B: number, S: number, r: number, c: number) => {
  const v = new Float32Array(B * S * S);
  for (let b = 0; b < B; b++) v[b * S * S + r * S + c] = 1;
  return T.tensor(v, { shape: [B, 1, S, S] });
};

test('translation: each image shifted by at most S/8 in each direction, its values its own', () => {
  const live = T.liveTensors();
  T.tidy(() => {
    T.manualSeed(3);
    const S = 32,
      B = 64;
    const y = diffAugment(dots(B, S, 16, 16), 'translation').toArray() as number[];
    const shifts = new Set<string>();
    for (let b = 0; b < B; b++) {
      const img = y.slice(b * S * S, (b + 1) * S * S);
      const at = img.map((v, i) => (v === 1 ? i : -1)).filter((i) => i >= 0);
      assert.equal(at.length, 1, 'the dot moved, not copied or lost');
      const [r, c] = [Math.floor(at[0]! / S), at[0]! % S];
      assert.ok(Math.abs(r - 16) <= S / 8 && Math.abs(c - 16) <= S / 8, `shift (${r - 16}, ${c - 16})`);
      shifts.add(`${r},${c}`);
      assert.ok(img.every((v) => v === 0 || v === 1));
    }
    assert.ok(shifts.size > 20, `random shifts per image (${shifts.size} distinct)`);
    // Edges are replicated: a dot on the border row spreads along it when shifted inwards.
    const edge = diffAugment(dots(B, S, 0, 16), 'translation').toArray() as number[];
    assert.ok(edge.filter((v) => v === 1).length >= B, 'the border row is repeated, never replaced by a fill colour');
  });
  assert.equal(T.liveTensors(), live, 'no tensor leaks');
});

test('cutout: at most a half-side square set to 0 per image; none leaves the images as they are', () => {
  T.tidy(() => {
    T.manualSeed(4);
    const S = 16,
      B = 32;
    const x = T.ones([B, 3, S, S]);
    const y = T.reshape(diffAugment(x, 'translation,cutout'), [B, 3 * S * S]).toArray() as number[];
    for (let b = 0; b < B; b++) {
      const zeros = y.slice(b * 3 * S * S, (b + 1) * 3 * S * S).filter((v) => v === 0).length / 3;
      assert.ok(zeros >= (S / 4) * (S / 4) && zeros <= (S / 2) * (S / 2), `image ${b}: ${zeros} pixels blanked`);
    }
    assert.equal(diffAugment(x, 'none'), x);
  });
});

test('gradients flow through the augmentation to the image', () => {
  T.tidy(() => {
    T.manualSeed(5);
    const x = T.rand([4, 3, 16, 16]).requiresGrad_();
    T.sum(diffAugment(x, 'translation,cutout')).backward();
    const g = x.grad!;
    assert.ok(T.sum(g).item() > 0, 'the unblanked pixels get gradient');
    assert.ok(T.sum(g).item() < 4 * 3 * 16 * 16, 'the blanked ones do not');
  });
});

test('a run with --diff-augment trains and resumes exactly', async () => {
  const dir = tmp('diffaug');
  const [a, b] = [path.join(dir, 'straight'), path.join(dir, 'resumed')];
  const cfg = (iterations: number) => tinyConfig(world, { iterations, diffAugment: 'translation,cutout' } as never);
  await train(cfg(3), a);
  await train(cfg(1), b);
  await train(cfg(3), b, { resume: true });
  const losses = (d: string) =>
    new RunDir(d)
      .readMetrics()
      .filter((r) => r.phase !== 'eval')
      .map(({ iteration, L_D, L_G }) => ({ iteration, L_D, L_G }));
  assert.equal(losses(a).length, 3);
  assert.deepEqual(losses(b), losses(a));
  const plain = path.join(dir, 'plain');
  await train(tinyConfig(world, { iterations: 3 }), plain);
  assert.notDeepEqual(losses(plain), losses(a), 'D saw other images');
});
