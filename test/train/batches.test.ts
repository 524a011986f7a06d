// Sampler batches to image tensors: every field from its own category, the pick pool included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { loadDataset, imageCacheDir } from '../../src/data/load.js';
import { loadSplitImages, splitItemBytes } from '../../src/data/cache.js';
import { bytesToUnit } from '../../src/data/images.js';
import { OutfitSampler } from '../../src/data/sampler.js';
import { imageBatch } from '../../src/train/batches.js';
import { tinyWorld } from './fixtures.js';

test('imageBatch: queries from the query category; positives, negatives and the pick pool from the complement category', async () => {
  const world = await tinyWorld();
  const spec = { path: world, format: 'manifest' as const, skipBad: false };
  const d = loadDataset(spec);
  const images = await loadSplitImages(d, 'train', 64, imageCacheDir(spec));
  try {
    const sampler = new OutfitSampler(images.outfits, { batchSize: 4, negativeMix: 0.5, pickPool: 5, task: 'both', seed: 2 });
    for (const b of [sampler.next(), sampler.next()]) {
      const [q, c] = b.direction === 'top2bottom' ? (['top', 'bottom'] as const) : (['bottom', 'top'] as const);
      T.tidy(() => {
        const x = imageBatch(images, b);
        assert.equal(x.target, c);
        const want = (cat: 'top' | 'bottom', ids: Int32Array) => bytesToUnit(splitItemBytes(images, cat, ids));
        assert.ok(T.equal(x.query, want(q, b.query)), 'query');
        assert.ok(T.equal(x.positive, want(c, b.positive)), 'positive');
        assert.equal(x.pickPool!.shape[0], 5);
        assert.ok(T.equal(x.pickPool!, want(c, b.pickPool!)), `the pick pool holds ${c}s`);
      });
    }
  } finally {
    images.dispose();
  }
});
