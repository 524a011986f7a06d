// Kind-3 negatives (an option beyond the paper): the same user and query, the
// complement of another of that user's outfits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutfitSampler } from '../../src/data/sampler.js';
import type { DatasetOutfit } from '../../src/data/manifest.js';

const outfits: DatasetOutfit[] = Array.from({ length: 60 }, (_, i) => ({ user: i % 3, top: i, bottom: 200 + i, split: 'train' }));
const ofUser = (u: number, bottom: number) => outfits.some((o) => o.user === u && o.bottom === bottom);

test('swapNegatives: that share of rows are kind 3, each the user\'s own other complement', () => {
  const s = new OutfitSampler(outfits, { batchSize: 20, negativeMix: 0.5, swapNegatives: 0.5, task: 'top2bottom', seed: 2 });
  const b = s.next();
  const kinds = Array.from(b.negKind);
  assert.equal(kinds.filter((k) => k === 3).length, 10);
  assert.equal(kinds.filter((k) => k === 1).length, 5);
  assert.equal(kinds.filter((k) => k === 2).length, 5);
  for (let r = 0; r < 20; r++) {
    if (b.negKind[r] !== 3) continue;
    assert.equal(b.negQuery[r], b.query[r]);
    assert.notEqual(b.negComplement[r], b.positive[r]);
    assert.ok(ofUser(b.users[r]!, b.negComplement[r]!), 'the negative complement is from the same user');
  }
});

test('swapNegatives 0 draws exactly the paper\'s batches', () => {
  const a = new OutfitSampler(outfits, { batchSize: 16, negativeMix: 0.5, task: 'both', seed: 9 });
  const b = new OutfitSampler(outfits, { batchSize: 16, negativeMix: 0.5, swapNegatives: 0, task: 'both', seed: 9 });
  for (let i = 0; i < 3; i++) assert.deepEqual(a.next(), b.next());
});

test('swapNegatives outside [0, 1] is refused', () => {
  assert.throws(() => new OutfitSampler(outfits, { batchSize: 4, negativeMix: 0.5, swapNegatives: 1.5, task: 'both', seed: 1 }), /swapNegatives must be in \[0, 1\]/);
});
