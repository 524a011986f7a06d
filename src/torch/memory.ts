// The addon's caching CPU allocator (native/src/caching_allocator.cc): freed
// blocks of 64 KiB and more are kept per size and handed back on the next
// request of that size, so a training loop's memory stays flat and its
// buffers need no fresh pages. PFD_CPU_CACHE_MB caps the cache (default 4096;
// 0 turns it off).
import { native } from './native.js';

export interface CpuCacheStats {
  enabled: boolean;
  cachedBytes: number; // free blocks held for reuse
  reusedBlocks: number; // allocations served from the cache so far
}

export function cpuCacheStats(): CpuCacheStats {
  return native.cacheStats();
}

/** Returns every cached free block to the system; returns the bytes released. */
export function emptyCpuCache(): number {
  return native.emptyCache();
}
