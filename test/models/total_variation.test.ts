// Total variation (--lambda-tv) on hand-made images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { totalVariation } from '../../src/models/total_variation.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);
const image = (h: number, w: number, f: (y: number, x: number) => number) =>
  T.reshape(T.tensor(Array.from({ length: h * w }, (_, i) => f(Math.floor(i / w), i % w))), [1, 1, h, w]);

test('total variation: 0 for a flat image, 2 + 2 for a +-1 checkerboard, one edge counted once', () => {
  const before = T.liveTensors();
  T.tidy(() => {
    close(totalVariation(image(4, 5, () => 0.3)).item(), 0, 'flat');
    close(totalVariation(image(4, 4, (y, x) => ((x + y) % 2 ? 1 : -1))).item(), 4, 'checkerboard');
    // A vertical edge between columns 1 and 2 of a 4x4 image: 4 of the 12 horizontal pairs differ by 2; no vertical pair differs.
    close(totalVariation(image(4, 4, (_, x) => (x < 2 ? -1 : 1))).item(), (4 * 2) / 12, 'edge');
    // Speckle costs far more than the same colours in two flat halves.
    const speckle = totalVariation(image(8, 8, (y, x) => ((x * 7 + y * 3) % 5 < 2 ? 1 : -1))).item();
    assert.ok(speckle > 3 * totalVariation(image(8, 8, (_, x) => (x < 4 ? 1 : -1))).item(), `speckle ${speckle}`);
  });
  assert.equal(T.liveTensors(), before, 'no tensor leaks');
});

test('total variation is differentiable: its gradient flattens a noisy image', () => {
  T.tidy(() => {
    const x = image(6, 6, (y, x) => Math.sin(7 * x + 3 * y)).requiresGrad_();
    totalVariation(x).backward();
    const step = T.noGrad(() => T.sub(x, T.mul(x.grad!, 1)));
    assert.ok(totalVariation(step).item() < totalVariation(x).item(), 'a gradient step lowers the total variation');
  });
});

test('total variation of a bf16 image is computed in float32, as of the same image in float32', () => {
  T.tidy(() => {
    const x = image(8, 8, (y, x) => Math.cos(3 * x) * Math.sin(2 * y));
    const half = totalVariation(T.toDtype(x, 'bfloat16'));
    assert.equal(half.dtype, 'float32');
    assert.ok(Math.abs(half.item() - totalVariation(x).item()) < 0.02, `${half.item()} vs ${totalVariation(x).item()}`);
  });
});
