// Benchmark: resident memory stays flat over a long training run. Runs the
// GAN step of gan_step.ts and records RSS after 30 and after 300 steps.
// Goal: RSS(300) within 5% of RSS(30). A leak of one activation-sized tensor
// per step would add hundreds of MiB over 270 steps.
// Runs with the addon's caching CPU allocator (the default); set
// PFD_CPU_CACHE_MB=0 to see glibc malloc's fragmentation instead.
// --width scales the paper networks' channels (default 0.25, so 300 steps take
// minutes on 2 cores; the memory mechanisms under test are the same).
//   npm run bench -- memory [--batch 16] [--width 0.25] [--steps 300]
import { parseArgs } from 'node:util';
import * as T from '../src/torch/index.js';
import { ganStep, makeGanBench } from './gan_step.js';
import { writeResult } from './results.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '16' },
    width: { type: 'string', default: '0.25' },
    steps: { type: 'string', default: '300' },
    early: { type: 'string', default: '30' },
  },
  allowPositionals: true,
});
const batch = Number(values.batch),
  steps = Number(values.steps),
  early = Number(values.early);
const mib = () => process.memoryUsage().rss / 2 ** 20;
// Sample after a full V8 collection (run with --expose-gc, as bench/run.ts does), so that
// garbage JS objects awaiting a lazy major GC are not mistaken for a leak; the JS heap is
// recorded alongside.
const gc = (globalThis as { gc?: () => void }).gc;

const width = Number(values.width);
const b = makeGanBench(batch, 0, width);
const samples: { step: number; rss_mib: number; heap_used_mib: number; live_tensors: number }[] = [];
const t0 = performance.now();
for (let i = 1; i <= steps; i++) {
  ganStep(b);
  // Yield to the event loop, as any real training loop does (progress output, checkpoints):
  // Node runs N-API finalizers of collected tensor handles there, not inside a synchronous loop.
  await new Promise((resolve) => setImmediate(resolve));
  if (i === early || i === steps || i % 50 === 0) {
    gc?.();
    const heap = process.memoryUsage().heapUsed / 2 ** 20;
    samples.push({ step: i, rss_mib: mib(), heap_used_mib: heap, live_tensors: T.liveTensors() });
    console.log(`[memory] step ${i}: RSS ${mib().toFixed(1)} MiB, JS heap ${heap.toFixed(1)} MiB, live tensors ${T.liveTensors()}`);
  }
}
const at = (s: number) => samples.find((x) => x.step === s)!;
const growth = at(steps).rss_mib / at(early).rss_mib - 1;
const name = `memory${T.cpuCacheStats().enabled ? '' : '_no_cpu_cache'}${width === 0.25 ? '' : `_width${width}`}`;
const file = writeResult(
  name,
  {
    batch,
    width,
    steps,
    early_step: early,
    rss_early_mib: at(early).rss_mib,
    rss_final_mib: at(steps).rss_mib,
    growth,
    live_tensors_early: at(early).live_tensors,
    live_tensors_final: at(steps).live_tensors,
    samples,
    cpu_cache_mb: Number(process.env.PFD_CPU_CACHE_MB ?? 4096),
    forced_gc_before_samples: !!gc,
    seconds: (performance.now() - t0) / 1000,
    goal: `rss(${steps}) within 5% of rss(${early})`,
  },
  `${T.cpuCacheStats().enabled ? '' : 'PFD_CPU_CACHE_MB=0 '}npm run bench -- memory --batch ${batch} --width ${width} --steps ${steps} --early ${early}`,
);
console.log(
  `[memory] RSS ${at(early).rss_mib.toFixed(1)} MiB at step ${early} -> ${at(steps).rss_mib.toFixed(1)} MiB at step ${steps} (${(growth * 100).toFixed(2)}%) -> ${file}`,
);
