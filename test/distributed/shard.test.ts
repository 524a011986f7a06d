// Each rank's slice of the sampler's global batches: disjoint, equal, and together
// one epoch visits every training outfit exactly once (both tasks alternating).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutfitSampler } from '../../src/data/sampler.js';
import type { DatasetOutfit } from '../../src/data/manifest.js';
import { shardBatch } from '../../src/distributed/data_parallel.js';

// 48 outfits, each a distinct (top, bottom) pair, over 4 users.
const outfits: DatasetOutfit[] = Array.from({ length: 48 }, (_, i) => ({ user: i % 4, top: i, bottom: 100 + i, split: 'train' }));

for (const world of [2, 4]) {
  test(`${world} ranks: one epoch of sharded batches covers every outfit once`, () => {
    const sampler = new OutfitSampler(outfits, { batchSize: 8, negativeMix: 0.5, task: 'both', seed: 3 });
    const seen = new Map<string, number>();
    for (let b = 0; b < 48 / 8; b++) {
      const global = sampler.next();
      const shards = Array.from({ length: world }, (_, r) => shardBatch(global, r, world));
      for (const s of shards) {
        assert.equal(s.users.length, 8 / world);
        assert.equal(s.direction, global.direction);
        for (let i = 0; i < s.users.length; i++) {
          const [top, bottom] = s.direction === 'top2bottom' ? [s.query[i]!, s.positive[i]!] : [s.positive[i]!, s.query[i]!];
          const key = `${s.users[i]}:${top}:${bottom}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }
      }
      // The slices, put back in rank order, are the global batch.
      assert.deepEqual(Array.from(shards.flatMap((s) => Array.from(s.negComplement))), Array.from(global.negComplement));
    }
    assert.equal(sampler.epochsDone, 0);
    assert.equal(seen.size, 48);
    assert.ok([...seen.values()].every((n) => n === 1));
  });
}

test('a batch that does not split evenly is refused with the numbers', () => {
  const sampler = new OutfitSampler(outfits, { batchSize: 6, negativeMix: 1, task: 'top2bottom', seed: 1 });
  assert.throws(() => shardBatch(sampler.next(), 0, 4), /batch of 6 cannot be split evenly over 4 processes/);
});
