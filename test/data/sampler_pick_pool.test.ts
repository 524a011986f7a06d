// The pick pool (--pick-pool, beside --lambda-pick): N random complements per batch, drawn
// after everything else, so that the rows are those of a run without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutfitSampler } from '../../src/data/sampler.js';
import { shardBatch } from '../../src/distributed/data_parallel.js';
import type { DatasetOutfit } from '../../src/data/manifest.js';

const outfits: DatasetOutfit[] = Array.from({ length: 60 }, (_, i) => ({ user: i % 3, top: i, bottom: 200 + i, split: 'train' }));

test('pickPool N: each batch holds N items of its complement category; the rows are the same as without it', () => {
  const plain = new OutfitSampler(outfits, { batchSize: 8, negativeMix: 0.5, swapExtra: true, task: 'both', seed: 3 });
  const pooled = new OutfitSampler(outfits, { batchSize: 8, negativeMix: 0.5, swapExtra: true, pickPool: 24, task: 'both', seed: 3 });
  const a = plain.next(), b = pooled.next();
  assert.equal(a.pickPool, undefined);
  const { pickPool, ...rows } = b;
  assert.deepEqual(rows, a, 'the first batch draws its rows before the pool');
  assert.equal(pickPool!.length, 24);
  assert.equal(b.direction, 'top2bottom');
  assert.ok(Array.from(pickPool!).every((id) => id >= 200 && id < 260), 'bottoms for a top-to-bottom batch');
  assert.ok(new Set(pickPool).size > 12, 'random items, not one repeated');
  const next = pooled.next();
  assert.equal(next.direction, 'bottom2top');
  assert.ok(Array.from(next.pickPool!).every((id) => id >= 0 && id < 60), 'tops for a bottom-to-top batch');
  // Resume: the pool is part of the sampler's deterministic stream.
  const resumed = new OutfitSampler(outfits, { batchSize: 8, negativeMix: 0.5, swapExtra: true, pickPool: 24, task: 'both', seed: 3 });
  resumed.restore(pooled.state());
  assert.deepEqual(resumed.next(), pooled.next());
  // Data-parallel: the rows are split, the pool is every rank's whole.
  const shard = shardBatch(b, 1, 2);
  assert.equal(shard.users.length, 4);
  assert.deepEqual(shard.pickPool, b.pickPool);
  assert.throws(() => new OutfitSampler(outfits, { batchSize: 4, negativeMix: 0.5, pickPool: 2.5, task: 'both', seed: 1 }), /pickPool must be a non-negative integer, got 2.5/);
});
