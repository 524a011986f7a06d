// Benchmark: nn.ConvTranspose2d's fast path (phase decomposition into one
// oneDNN conv2d) against aten::conv_transpose2d (BLAS col2im), forward +
// backward, at the paper decoder's layer shapes, batch 64. Goal: >= 3x.
//   npm run bench -- conv_transpose [--batch 64] [--reps 3]
import { parseArgs } from 'node:util';
import * as T from '../src/torch/index.js';
import { convTranspose2d } from '../src/nn/index.js';
import { median, writeResult } from './results.js';

const { values } = parseArgs({
  options: { batch: { type: 'string', default: '64' }, reps: { type: 'string', default: '3' } },
  allowPositionals: true,
});
const batch = Number(values.batch),
  reps = Number(values.reps);
// [in, out, input size, stride] of the decoder's seven 5x5 transposed convs.
const LAYERS: [number, number, number, number][] = [
  [256, 256, 4, 2],
  [256, 256, 8, 1],
  [256, 256, 8, 2],
  [256, 256, 16, 1],
  [256, 128, 16, 2],
  [128, 64, 32, 2],
  [64, 3, 64, 1],
];

T.manualSeed(0);
const rows = LAYERS.map(([cin, cout, size, s]) => {
  const x = T.keep(T.randn([batch, cin, size, size], { requiresGrad: true }));
  const w = T.keep(T.randn([cin, cout, 5, 5], { requiresGrad: true }));
  const b = T.keep(T.randn([cout], { requiresGrad: true }));
  const time = (f: () => T.Tensor) => {
    const once = () =>
      T.tidy(() => {
        const t0 = performance.now();
        T.sum(f()).backward();
        const ms = performance.now() - t0;
        for (const t of [x, w, b]) t.setGrad(null);
        return ms;
      });
    once(); // warm-up (oneDNN primitive creation)
    return median(Array.from({ length: reps }, once));
  };
  // Interleave the two so noise hits both.
  const fast = time(() => convTranspose2d(x, w, b, [s, s], [2, 2], [s - 1, s - 1]));
  const ref = time(() => T.convTranspose2dReference(x, w, b, s, 2, s - 1));
  const row = { layer: `${cin}->${cout} ${size}x${size} s${s}`, fast_ms: fast, reference_ms: ref, speedup: ref / fast };
  console.log(`[conv_transpose] ${row.layer}: fast ${fast.toFixed(0)} ms, aten ${ref.toFixed(0)} ms, ${row.speedup.toFixed(2)}x`);
  T.dispose([x, w, b]);
  return row;
});
const fastTotal = rows.reduce((a, r) => a + r.fast_ms, 0),
  refTotal = rows.reduce((a, r) => a + r.reference_ms, 0);
const file = writeResult(
  'conv_transpose',
  {
    batch,
    reps,
    layers: rows,
    fast_total_ms: fastTotal,
    reference_total_ms: refTotal,
    speedup_total: refTotal / fastTotal,
    speedup_min_layer: Math.min(...rows.map((r) => r.speedup)),
    goal: 'speedup >= 3 (decoder total)',
  },
  `npm run bench -- conv_transpose --batch ${batch} --reps ${reps}`,
);
console.log(
  `[conv_transpose] decoder total: fast ${fastTotal.toFixed(0)} ms, aten ${refTotal.toFixed(0)} ms, ${(refTotal / fastTotal).toFixed(2)}x -> ${file}`,
);
