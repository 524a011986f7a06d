// Benchmark: the same GAN training step (paper decoder + real/fake
// discriminator, 64x64, batch 64, forward + backward + Adam) in TypeScript
// through the addon and in C++ against the same libtorch. Runs alternate
// (C++, TS, TS+cache, C++, ...) so machine noise hits all alike; the figure is
// the ratio of median step times. `ts` runs with the addon's caching CPU
// allocator off (PFD_CPU_CACHE_MB=0), i.e. on the same allocator as the C++
// program, so ts/cpp isolates the binding's overhead (goal <= 1.05);
// `ts_cache` is the default configuration.
//   npm run bench -- ts_vs_cpp [--batch 64] [--rounds 2] [--steps 3]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, writeResult } from './results.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { batch: { type: 'string', default: '64' }, rounds: { type: 'string', default: '2' }, steps: { type: 'string', default: '3' } }, allowPositionals: true });
const batch = values.batch!, steps = values.steps!;

execFileSync('bash', [path.join(here, 'cpp', 'build.sh')], { stdio: 'inherit' });
const runs: { impl: string; step_ms: number[] }[] = [];
for (let r = 0; r < Number(values.rounds); r++) {
  for (const impl of ['cpp', 'ts', 'ts_cache']) {
    const out = impl === 'cpp'
      ? execFileSync(path.join(here, 'cpp', 'build', 'gan_step'), ['--batch', batch, '--steps', steps, '--warmup', '1'], { encoding: 'utf8' })
      : execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'gan_step.ts'), '--batch', batch, '--steps', steps, '--warmup', '1'],
        { encoding: 'utf8', env: { ...process.env, PFD_CPU_CACHE_MB: impl === 'ts' ? '0' : (process.env.PFD_CPU_CACHE_MB ?? '4096') } });
    const rec = { ...JSON.parse(out.trim().split('\n').pop()!), impl };
    runs.push(rec);
    console.log(`[ts_vs_cpp] round ${r + 1} ${impl}: ${rec.step_ms.map((m: number) => m.toFixed(0)).join(', ')} ms/step`);
  }
}
const all = (impl: string) => runs.filter((r) => r.impl === impl).flatMap((r) => r.step_ms);
const tsMs = median(all('ts')), cppMs = median(all('cpp')), cacheMs = median(all('ts_cache'));
const file = writeResult('ts_vs_cpp', {
  batch: Number(batch), image_size: 64, steps_per_run: Number(steps), rounds: Number(values.rounds),
  ts_ms: tsMs, cpp_ms: cppMs, ratio: tsMs / cppMs, goal: 'ratio <= 1.05 (same allocator)',
  ts_cache_ms: cacheMs, ratio_cache: cacheMs / cppMs,
  ts_step_ms: all('ts'), cpp_step_ms: all('cpp'), ts_cache_step_ms: all('ts_cache'),
}, `npm run bench -- ts_vs_cpp --batch ${batch} --rounds ${values.rounds} --steps ${steps}`);
console.log(`[ts_vs_cpp] median step: TS ${tsMs.toFixed(0)} ms, C++ ${cppMs.toFixed(0)} ms, ratio ${(tsMs / cppMs).toFixed(3)}; ` +
  `TS with the caching allocator ${cacheMs.toFixed(0)} ms (${(cacheMs / cppMs).toFixed(3)}) -> ${file}`);
