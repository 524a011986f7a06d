// The caching CPU allocator reuses freed blocks of the same size and can be emptied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';

test('large blocks are reused; emptyCpuCache releases them; values are unaffected', (t) => {
  if (!T.cpuCacheStats().enabled) return t.skip('PFD_CPU_CACHE_MB=0 turns the cache off');
  T.emptyCpuCache();
  const before = T.cpuCacheStats().reusedBlocks;
  for (let i = 0; i < 5; i++) {
    T.tidy(() => {
      const a = T.full([256, 256], i); // 256 KiB: cached size class
      assert.equal(T.sum(a).item(), i * 65536);
    });
  }
  const s = T.cpuCacheStats();
  assert.ok(s.reusedBlocks >= before + 4, `reused ${s.reusedBlocks - before}`);
  assert.ok(s.cachedBytes >= 256 * 1024);
  assert.ok(T.emptyCpuCache() >= 256 * 1024);
  assert.equal(T.cpuCacheStats().cachedBytes, 0);
});
