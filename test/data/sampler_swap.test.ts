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

test('swapExtra: every row also gets its user\'s other complement, and the kind-1/2 rows are the paper\'s', () => {
  const plain = new OutfitSampler(outfits, { batchSize: 20, negativeMix: 0.5, task: 'both', seed: 4 });
  const extra = new OutfitSampler(outfits, { batchSize: 20, negativeMix: 0.5, swapExtra: true, task: 'both', seed: 4 });
  const a = plain.next(), b = extra.next();
  // The first batch draws its rows before the extra complements, so they agree with the paper's.
  for (const k of ['users', 'query', 'positive', 'negQuery', 'negComplement', 'negKind'] as const) assert.deepEqual(b[k], a[k]);
  assert.equal(a.swapComplement, undefined);
  assert.equal(b.swapComplement!.length, 20);
  assert.ok(!Array.from(b.negKind).includes(3), 'no row gives up its kind-1/2 negative');
  for (let r = 0; r < 20; r++) {
    assert.notEqual(b.swapComplement![r], b.positive[r]);
    assert.ok(ofUser(b.users[r]!, b.swapComplement![r]!), 'the extra complement is from the same user');
  }
  const again = new OutfitSampler(outfits, { batchSize: 20, negativeMix: 0.5, swapExtra: true, task: 'both', seed: 4 });
  again.next();
  assert.deepEqual(again.next(), extra.next(), 'deterministic from the seed');
});
