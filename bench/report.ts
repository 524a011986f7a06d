// Prints the benchmark table of docs/benchmarks.md from bench/results/*.json,
// so the document always shows what the JSON files hold.
//   npx tsx bench/report.ts
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (name: string): any =>
  existsSync(path.join(dir, `${name}.json`)) ? JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) : null;
const f = (x: number, d = 0) => x.toFixed(d);
const rows: string[] = ['| benchmark | figure | goal | command |', '|---|---|---|---|'];

const tv = load('ts_vs_cpp');
if (tv) {
  rows.push(
    `| GAN step (paper G + D, 64x64, batch ${tv.batch}, fwd + bwd + Adam), TS vs C++ on the same libtorch, glibc malloc | TS ${f(tv.ts_ms)} ms, C++ ${f(tv.cpp_ms)} ms: **ratio ${f(tv.ratio, 3)}** (medians of ${tv.ts_step_ms.length} steps each, ${tv.rounds} interleaved rounds) | <= 1.05 | \`${tv.command}\` |`,
  );
  rows.push(
    `| same, both with the caching CPU allocator (the default) | TS ${f(tv.ts_cache_ms)} ms, C++ ${f(tv.cpp_cache_ms)} ms: **ratio ${f(tv.ratio_cache, 3)}** | <= 1.05 | same run |`,
  );
  if (tv.ops_per_step)
    rows.push(
      `| the binding's share of a step, measured directly | ${tv.ops_per_step} op calls per step x (${f(tv.ts_us_per_tiny_op, 2)} - ${f(tv.cpp_us_per_tiny_op, 2)}) us per call = **${f(100 * tv.binding_overhead_share, 3)}%** of the C++ step | | same run |`,
    );
}
const ct = load('conv_transpose');
if (ct) {
  rows.push(
    `| ConvTranspose2d fast path vs aten::conv_transpose2d, fwd + bwd, the decoder's 7 layers, batch ${ct.batch} | ${f(ct.fast_total_ms)} ms vs ${f(ct.reference_total_ms)} ms: **${f(ct.speedup_total, 2)}x** (every layer >= ${f(ct.speedup_min_layer, 2)}x) | >= 3x | \`${ct.command}\` |`,
  );
  for (const l of ct.layers)
    rows.push(`| &nbsp;&nbsp;layer ${l.layer} | ${f(l.fast_ms)} ms vs ${f(l.reference_ms)} ms: ${f(l.speedup, 2)}x | | |`);
}
for (const name of ['memory', 'memory_no_cpu_cache', 'memory_no_cpu_cache_width1']) {
  const m = load(name);
  if (!m) continue;
  const alloc = name.includes('no_cpu_cache') ? 'glibc malloc (caching allocator off)' : 'the caching CPU allocator (default)';
  rows.push(
    `| resident memory over training steps, ${alloc}; paper G + D at width ${m.width}, batch ${m.batch} | ${f(m.rss_early_mib, 1)} MiB at step ${m.early_step}, ${f(m.rss_final_mib, 1)} MiB at step ${m.steps}: **${m.growth >= 0 ? '+' : ''}${f(100 * m.growth, 2)}%**; live tensors ${m.live_tensors_early} -> ${m.live_tensors_final} | ${name === 'memory' ? 'within 5%' : ''} | \`${m.command}\` |`,
  );
}
for (const preset of ['demo', 'paper']) {
  const d = load(`data_${preset}`);
  if (!d) continue;
  rows.push(
    `| data pipeline, \`${preset}\` world (${d.users} users, ${d.items} items, ${d.outfits} outfits, ${d.image_size}px) | outfit sampling ${f(d.sample_s, 1)} s; rendering **${f(d.render_items_per_s)} items/s**; cache build train ${f(d.cache.train.build_s, 1)} s (${d.cache.train.items} images) / test ${f(d.cache.test.build_s, 1)} s (${d.cache.test.items}); cache load ${f(d.cache.train.load_s, 2)} s / ${f(d.cache.test.load_s, 2)} s | | \`${d.command}\` |`,
  );
}
for (const name of ['designer_step_cpu', 'designer_step_cuda', 'designer_step_cpu_precision', 'designer_step_paper_layout']) {
  const d = load(name);
  if (!d) continue;
  const dev = d.device === 'cpu' ? 'cpu' : 'cuda';
  if (Array.isArray(d.figures)) {
    // Precision x memory layout, side by side in one run, with ratios to fp32 NCHW.
    for (const r of d.figures as any[]) {
      const x = d.speedup_over_fp32_contiguous?.[`${r.preset}/${r.precision}/${r.layout}`];
      rows.push(
        `| Algorithm 1 iteration, \`${r.preset}\` preset, batch ${d.batch} x ${d.tasks} task(s), **${r.precision}, ${r.layout.replace('_', '-')}**, ${d.machine.cpus} CPU cores (${d.machine.cpu}; bf16 matrix units: ${d.machine.bf16_matrix_units ? 'yes' : 'no'}) | **${f(r.seconds_per_iteration, 3)} s/iteration**${x ? `, **${f(x, 2)}x** fp32 NCHW of the same run` : ''}; share (a) ${f(100 * r.share.a_compat)}%, (b) ${f(100 * r.share.b_disc)}%, (c) ${f(100 * r.share.c_gen)}% | ${r.precision === 'bf16' ? '>= 2.5x (cpu), <= 12 s (paper): needs bf16 units' : ''} | \`${d.command}\` |`,
      );
    }
    continue;
  }
  for (const [preset, r] of Object.entries(d.figures) as [string, any][]) {
    rows.push(
      `| Algorithm 1 iteration (F/M/theta_u step, n_D = 2 D steps, G step), \`${preset}\` preset, batch ${d.batch}, ${dev === 'cpu' ? `${d.machine.cpus} CPU cores` : 'CUDA'} | **${f(r.seconds_per_iteration, 3)} s/iteration** (${f(r.samples_per_second, 1)} samples/s); share of time: (a) ${f(100 * r.share.a_compat)}%, (b) ${f(100 * r.share.b_disc)}%, (c) ${f(100 * r.share.c_gen)}% | | \`${d.command}\` |`,
    );
  }
}
const dr = load('designer_step_design_rank');
if (dr) {
  // G's ranking term (pfd train --design-rank) against none, measured side by side.
  for (const r of (dr.figures as any[]).filter((x) => x.design_rank > 0)) {
    const x = dr.time_over_design_rank_0?.[`${r.preset}/${r.precision}/${r.layout}/rank${r.design_rank}`];
    rows.push(
      `| Algorithm 1 iteration with G's ranking term (\`--design-rank ${r.design_rank}\`, no other option), \`${r.preset}\` preset, batch ${dr.batch} x ${dr.tasks} task(s), ${r.precision}, ${r.layout.replace('_', '-')}, ${dr.machine.cpus} CPU cores | **${f(r.seconds_per_iteration, 3)} s/iteration**${x ? `, **${f(x, 2)}x** the time without it, same run` : ''}; share (a) ${f(100 * r.share.a_compat)}%, (b) ${f(100 * r.share.b_disc)}%, (c) ${f(100 * r.share.c_gen)}% | | \`${dr.command}\` |`,
    );
  }
}
const tr = load('torch_reference_paper');
if (tr) {
  for (const [prec, r] of Object.entries(tr.figures) as [string, any][]) {
    rows.push(
      `| PyTorch ${tr.torch} eager reference of the same iteration, \`${tr.preset}\` preset, batch ${tr.batch}, ${prec}, ${tr.threads} threads | **${f(r.seconds_per_iteration, 3)} s/iteration**; share (a) ${f(100 * r.share.a_compat)}%, (b) ${f(100 * r.share.b_disc)}%, (c) ${f(100 * r.share.c_gen)}% | ours <= 0.3x | \`/usr/bin/python3 bench/torch_reference/algorithm1_step.py --preset ${tr.preset} --batch ${tr.batch} --steps 1 --precision ${prec} --threads ${tr.threads} --json bench/results/torch_reference_${tr.preset}.json\` |`,
    );
  }
}
const ev = load('eval');
if (ev) {
  const parts = Object.entries(ev.breakdown_seconds as Record<string, number>)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${f(v, 1)} s`)
    .join(', ');
  rows.push(
    `| evaluating a run (\`pfd eval\`), ${ev.designs} designs | **${f(ev.total_seconds, 1)} s** in all: ${parts} | | \`${ev.command}\` |`,
  );
}
const dp = load('distributed');
if (dp) {
  const sc = dp.scaling,
    eq = dp.equivalence_2p1t_vs_1p1t,
    nz = dp.float_noise_1p2t_vs_1p1t;
  rows.push(
    `| data-parallel training (\`pfd train --nproc\`, Gloo on loopback), \`cpu\` preset, global batch ${dp.batch} x 2 tasks, ${dp.iterations} iterations | 1 process x 1 thread ${f(sc['1p1t'].samples_per_s, 1)} samples/s; **2 processes x 1 thread ${f(sc['2p1t'].samples_per_s, 1)} samples/s (${f(dp.speedup_2p1t_over_1p1t, 2)}x)**; 1 process x 2 threads ${f(sc['1p2t'].samples_per_s, 1)} samples/s (${f(dp.speedup_1p2t_over_1p1t, 2)}x) | | \`${dp.command}\` |`,
  );
  rows.push(
    `| same run: 2 processes x batch ${dp.batch / 2} against 1 process x batch ${dp.batch}, weights after ${dp.iterations} iterations | relative L2 difference **${eq.weights_relative_l2_diff.toExponential(1)}** against ${nz.weights_relative_l2_diff.toExponential(1)} between 1 and 2 threads (float noise, amplified by the GAN); iteration 1's L_FM differs by ${eq.L_FM_at_1_abs_diff.toExponential(1)} (noise ${nz.L_FM_at_1_abs_diff.toExponential(1)}) | | same run |`,
  );
}
console.log(rows.join('\n'));

// Op profiles (libtorch's profiler, self time per op) of the runs that recorded one.
for (const name of ['designer_step_cpu_precision', 'designer_step_paper_layout']) {
  const d = load(name);
  if (!d || !Array.isArray(d.figures)) continue;
  for (const r of (d.figures as any[]).filter((x) => x.profile)) {
    console.log(
      `\n**Op profile: \`${r.preset}\` preset, ${r.precision}, ${r.layout.replace('_', '-')}** (one iteration, batch ${d.batch} x ${d.tasks} task(s); self time in libtorch ops ${f(r.profile.total_ms)} ms of ${f(1000 * r.seconds_per_iteration)} ms; \`${d.command}\`)\n`,
    );
    console.log('| op | calls | self ms | share |\n|---|---|---|---|');
    for (const o of (r.profile.top as any[]).slice(0, 8))
      console.log(`| \`${o.op}\` | ${o.calls} | ${f(o.self_ms, 1)} | ${f(100 * o.share, 1)}% |`);
  }
}
