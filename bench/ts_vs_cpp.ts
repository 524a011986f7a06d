// Benchmark: the same GAN training step (paper decoder + real/fake
// discriminator, 64x64, batch 64, forward + backward + Adam) in TypeScript
// through the addon and in C++ against the same libtorch. Runs alternate
// (C++, TS, TS+cache, C++, ...) so machine noise hits all alike; the figure is
// the ratio of median step times, compared on the same allocator: glibc
// malloc (PFD_CPU_CACHE_MB=0: `cpp`, `ts`) and the addon's caching CPU
// allocator (the default: `cpp_cache`, `ts_cache`). Goal: ts/cpp <= 1.05.
// Because machine noise is large next to the binding's cost, the run also
// measures that cost directly: op calls per step x extra microseconds per call.
//   npm run bench -- ts_vs_cpp [--batch 64] [--rounds 2] [--steps 3]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, writeResult } from './results.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { batch: { type: 'string', default: '64' }, rounds: { type: 'string', default: '2' }, steps: { type: 'string', default: '3' } },
  allowPositionals: true,
});
const batch = values.batch!,
  steps = values.steps!;

execFileSync('bash', [path.join(here, 'cpp', 'build.sh')], { stdio: 'inherit' });
const runs: { impl: string; step_ms: number[] }[] = [];
for (let r = 0; r < Number(values.rounds); r++) {
  for (const impl of ['cpp', 'ts', 'cpp_cache', 'ts_cache']) {
    const env = { ...process.env, PFD_CPU_CACHE_MB: impl.endsWith('_cache') ? '4096' : '0' };
    const out = impl.startsWith('cpp')
      ? execFileSync(path.join(here, 'cpp', 'build', 'gan_step'), ['--batch', batch, '--steps', steps, '--warmup', '1'], {
          encoding: 'utf8',
          env,
        })
      : execFileSync(
          process.execPath,
          ['--import', 'tsx', path.join(here, 'gan_step.ts'), '--batch', batch, '--steps', steps, '--warmup', '1'],
          { encoding: 'utf8', env },
        );
    const rec = { ...JSON.parse(out.trim().split('\n').pop()!), impl };
    runs.push(rec);
    console.log(`[ts_vs_cpp] round ${r + 1} ${impl}: ${rec.step_ms.map((m: number) => m.toFixed(0)).join(', ')} ms/step`);
  }
}
const all = (impl: string) => runs.filter((r) => r.impl === impl).flatMap((r) => r.step_ms);
const tsMs = median(all('ts')),
  cppMs = median(all('cpp')),
  cacheMs = median(all('ts_cache')),
  cppCacheMs = median(all('cpp_cache'));
// The binding's share, measured directly: extra cost per call x calls per step.
const pick = (impl: string, k: string) =>
  median(runs.filter((r) => r.impl === impl).map((r) => (r as unknown as Record<string, number>)[k]!));
const opsPerStep = pick('ts', 'ops_per_step');
const overheadUs = pick('ts', 'us_per_tiny_op') - pick('cpp', 'us_per_tiny_op');
const bindingShare = (opsPerStep * overheadUs) / 1000 / cppMs;
const file = writeResult(
  'ts_vs_cpp',
  {
    batch: Number(batch),
    image_size: 64,
    steps_per_run: Number(steps),
    rounds: Number(values.rounds),
    ts_ms: tsMs,
    cpp_ms: cppMs,
    ratio: tsMs / cppMs,
    goal: 'ratio <= 1.05 (same allocator)',
    ts_cache_ms: cacheMs,
    cpp_cache_ms: cppCacheMs,
    ratio_cache: cacheMs / cppCacheMs,
    cpp_cache_step_ms: all('cpp_cache'),
    ops_per_step: opsPerStep,
    ts_us_per_tiny_op: pick('ts', 'us_per_tiny_op'),
    cpp_us_per_tiny_op: pick('cpp', 'us_per_tiny_op'),
    binding_overhead_share: bindingShare,
    ts_step_ms: all('ts'),
    cpp_step_ms: all('cpp'),
    ts_cache_step_ms: all('ts_cache'),
  },
  `npm run bench -- ts_vs_cpp --batch ${batch} --rounds ${values.rounds} --steps ${steps}`,
);
console.log(
  `[ts_vs_cpp] median step: TS ${tsMs.toFixed(0)} ms, C++ ${cppMs.toFixed(0)} ms, ratio ${(tsMs / cppMs).toFixed(3)}; ` +
    `with the caching allocator TS ${cacheMs.toFixed(0)} ms, C++ ${cppCacheMs.toFixed(0)} ms (${(cacheMs / cppCacheMs).toFixed(3)}); ` +
    `${opsPerStep} op calls per step x ${overheadUs.toFixed(2)} us extra per call = ${(100 * bindingShare).toFixed(3)}% of a step -> ${file}`,
);
