// Seconds per Algorithm 1 iteration (F/M/theta_u step, n_D = 2 D steps, G step)
// for model presets x precisions x memory layouts, measured side by side in one
// process, with the share of each step and (--profile) libtorch's op profile.
//   npm run bench -- designer_step --preset cpu --batch 32 --tasks 2 --precision fp32 --precision bf16 \
//     --layout contiguous --layout channels_last --steps 5 [--profile] [--design-rank 0 --design-rank 2]
// --design-rank W (repeatable): the weight of G's ranking term (pfd train --design-rank), to
// measure its cost against 0 in the same run.
// --lambda-pick W (repeatable): the weight of G's pick term (pfd train --lambda-pick), measured
// with the --design-rank values, against 0 in the same run (with design rank > 0 the two share
// the other user's design).
// --pick-pool N (repeatable): random complements added to the pick's candidates (pfd train
// --pick-pool), for the --lambda-pick values above 0 (pass --pick-pool 0 too to measure its cost).
// --colour-modes L: G with colour modes (pfd train --colour-modes); --mode-colour W (repeatable):
// the weight of the colour-bin term and its random-bin designs (pfd train --mode-colour), against 0.
// --image-size S (repeatable, 64 or 128): the networks at S x S (pfd train --image-size), against
// 64 in the same run; --upsample nearest: G's upsampling as the long recipe's (pfd train --upsample).
// --tasks 2 is the demo's iteration: a top->bottom and a bottom->top batch, as `pfd train` does.
import { parseArgs } from 'node:util';
import * as T from '../src/torch/index.js';
import { Designer, type Category } from '../src/models/designer.js';
import { MODEL_PRESETS, withImageSize, type ModelPresetName } from '../src/models/presets.js';
import { algorithm1Step, type StepTiming } from '../src/train/algorithm1.js';
import type { ImageBatch } from '../src/train/batches.js';
import { makeOptimizers, namedOptimizers } from '../src/train/optimizers.js';
import { DEFAULT_STEP } from '../src/train/config.js';
import { writeResult, median } from './results.js';
import { profileOps, type OpRow } from './op_profile.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', multiple: true },
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    device: { type: 'string', default: 'cpu' },
    out: { type: 'string' },
    tasks: { type: 'string', default: '1' },
    precision: { type: 'string', multiple: true },
    layout: { type: 'string', multiple: true },
    profile: { type: 'boolean', default: false },
    'design-rank': { type: 'string', multiple: true },
    'lambda-pick': { type: 'string', multiple: true },
    'pick-pool': { type: 'string', multiple: true },
    'colour-modes': { type: 'string', default: '0' },
    'mode-colour': { type: 'string', multiple: true },
    'image-size': { type: 'string', multiple: true },
    upsample: { type: 'string', default: 'transposed' },
  },
});
const presets = (values.preset ?? ['cpu', 'paper']) as ModelPresetName[];
const B = Number(values.batch),
  steps = Number(values.steps),
  warmup = Number(values.warmup),
  tasks = Number(values.tasks);
if (tasks !== 1 && tasks !== 2) throw new Error(`--tasks must be 1 or 2, got ${values.tasks}`);
const device = T.parseDevice(values.device!);
const precisions = (values.precision ?? [T.defaultPrecision(device)]).map(T.parsePrecision);
const layouts = (values.layout ?? ['channels_last']) as T.MemoryFormat[];
for (const l of layouts)
  if (l !== 'contiguous' && l !== 'channels_last') throw new Error(`--layout must be contiguous or channels_last, got ${l}`);
const ranks = (values['design-rank'] ?? ['0']).map(Number);
for (const w of ranks) if (!(w >= 0)) throw new Error(`--design-rank must be a non-negative number, got ${w}`);
const picks = (values['lambda-pick'] ?? ['0']).map(Number);
for (const w of picks) if (!(w >= 0)) throw new Error(`--lambda-pick must be a non-negative number, got ${w}`);
const pools = (values['pick-pool'] ?? ['0']).map(Number);
for (const n of pools) if (!(Number.isInteger(n) && n >= 0)) throw new Error(`--pick-pool must be a non-negative integer, got ${n}`);
const colourModes = Number(values['colour-modes']);
if (!(Number.isInteger(colourModes) && (colourModes === 0 || (colourModes >= 2 && colourModes <= 6))))
  throw new Error(`--colour-modes must be 0 or 2 to 6, got ${values['colour-modes']}`);
const modeColours = (values['mode-colour'] ?? ['0']).map(Number);
for (const w of modeColours)
  if (!(w >= 0) || (w > 0 && colourModes === 0))
    throw new Error(`--mode-colour must be a non-negative number, and needs --colour-modes; got ${w}`);
const sizes = (values['image-size'] ?? ['64']).map(Number);
for (const n of sizes) if (n !== 64 && n !== 128) throw new Error(`--image-size must be 64 or 128, got ${n}`);
const upsample = values.upsample as 'transposed' | 'nearest';
if (upsample !== 'transposed' && upsample !== 'nearest') throw new Error(`--upsample must be transposed or nearest, got ${upsample}`);
const users = 16;
const targets: Category[] = tasks === 2 ? ['bottom', 'top'] : ['bottom'];

interface Figure {
  preset: string;
  image_size: number;
  upsample: string;
  precision: T.Precision;
  layout: T.MemoryFormat;
  design_rank: number;
  lambda_pick: number;
  pick_pool: number;
  colour_modes: number;
  mode_colour: number;
  seconds_per_iteration: number;
  samples_per_second: number;
  share: { a_compat: number; b_disc: number; c_gen: number };
  all_ms: number[];
  profile?: { total_ms: number; top: OpRow[] };
}
const figures: Figure[] = [];
for (const preset of presets) {
  for (const size of sizes)
    for (const precision of precisions) {
      for (const layout of layouts)
        for (const designRank of ranks)
          for (const lambdaPick of picks)
            for (const pickPool of lambdaPick > 0 ? pools : [0])
              for (const modeColour of modeColours) {
                const step = { ...DEFAULT_STEP, designRank, lambdaPick, modeColour };
                T.manualSeed(0);
                const nets = withImageSize(MODEL_PRESETS[preset], size);
                const decoder = { ...nets.decoder, upsample };
                const model = new Designer({ ...nets, decoder, users, userCond: 'vector', targets, colourModes }).to(device);
                model.precision = precision;
                model.memoryFormat = layout;
                const opt = makeOptimizers(model, { lr: 2e-4, betas: [0.5, 0.999] });
                const img = () => T.keep(T.sub(T.mul(T.rand([B, 3, size, size], { device }), 2), 1));
                const batches: ImageBatch[] = targets.map((target) => ({
                  target,
                  users: T.keep(T.randint(0, users, [B], { device })),
                  query: img(),
                  positive: img(),
                  negQuery: img(),
                  negComplement: img(),
                  ...(pickPool > 0 ? { pickPool: T.keep(T.sub(T.mul(T.rand([pickPool, 3, size, size], { device }), 2), 1)) } : {}),
                }));
                const times: number[] = [];
                const timing: StepTiming = { a: 0, b: 0, c: 0 };
                for (let s = 0; s < warmup + steps; s++) {
                  const t0 = performance.now();
                  const t = { a: 0, b: 0, c: 0 };
                  algorithm1Step(model, opt, batches, step, t);
                  if (device !== 'cpu') T.tidy(() => model.encoder.parameters()[0]!.sum().item()); // sync
                  const ms = performance.now() - t0;
                  if (s >= warmup) {
                    times.push(ms);
                    timing.a += t.a;
                    timing.b += t.b;
                    timing.c += t.c;
                  }
                  await new Promise(setImmediate);
                }
                const total = timing.a + timing.b + timing.c;
                const r: Figure = {
                  preset,
                  image_size: size,
                  upsample,
                  precision,
                  layout,
                  design_rank: designRank,
                  lambda_pick: lambdaPick,
                  pick_pool: pickPool,
                  colour_modes: colourModes,
                  mode_colour: modeColour,
                  seconds_per_iteration: median(times) / 1000,
                  samples_per_second: (B * tasks) / (median(times) / 1000),
                  share: { a_compat: timing.a / total, b_disc: timing.b / total, c_gen: timing.c / total },
                  all_ms: times.map((t) => Math.round(t)),
                };
                if (values.profile) {
                  const p = profileOps(() => algorithm1Step(model, opt, batches, step));
                  r.profile = { total_ms: p.total_ms, top: p.rows.slice(0, 15) };
                }
                figures.push(r);
                console.log(
                  `${preset}${sizes.length > 1 ? ` ${size}x${size}` : ''} ${precision} ${layout}${ranks.length > 1 ? ` design-rank ${designRank}` : ''}${picks.length > 1 ? ` lambda-pick ${lambdaPick}` : ''}${pools.length > 1 && lambdaPick > 0 ? ` pick-pool ${pickPool}` : ''}${colourModes ? ` colour-modes ${colourModes}` : ''}${modeColours.length > 1 ? ` mode-colour ${modeColour}` : ''}: ${r.seconds_per_iteration.toFixed(3)} s/iteration at batch ${B} x ${tasks} task(s) (${r.samples_per_second.toFixed(1)} samples/s); ` +
                    `share (a) ${(100 * r.share.a_compat).toFixed(0)}%, (b) ${(100 * r.share.b_disc).toFixed(0)}%, (c) ${(100 * r.share.c_gen).toFixed(0)}%`,
                );
                if (r.profile) {
                  for (const row of r.profile.top.slice(0, 10))
                    console.log(
                      `    ${row.op.padEnd(42)} ${String(row.calls).padStart(5)} calls ${row.self_ms.toFixed(1).padStart(9)} ms ${(100 * row.share).toFixed(1).padStart(5)}%`,
                    );
                }
                model.dispose();
                for (const [, o] of namedOptimizers(opt)) o.dispose();
                for (const b of batches)
                  T.dispose([b.users, b.query, b.positive, b.negQuery, b.negComplement, ...(b.pickPool ? [b.pickPool] : [])]);
              }
    }
}
// Ratios within this run (machines are noisy; compare only figures measured together).
const key = (f: Figure) =>
  `${f.preset}${sizes.length > 1 ? `/${f.image_size}` : ''}/${f.precision}/${f.layout}${ranks.length > 1 ? `/rank${f.design_rank}` : ''}${picks.length > 1 ? `/pick${f.lambda_pick}` : ''}${pools.length > 1 && f.lambda_pick > 0 ? `/pool${f.pick_pool}` : ''}${modeColours.length > 1 ? `/colour${f.mode_colour}` : ''}`;
// The figure measured with the same configuration as f but for `changes` (every other setting equal).
const CONFIG_FIELDS = [
  'preset',
  'image_size',
  'upsample',
  'precision',
  'layout',
  'design_rank',
  'lambda_pick',
  'pick_pool',
  'colour_modes',
  'mode_colour',
] as const;
const measuredLike = (f: Figure, changes: Partial<Figure>) =>
  figures.find((g) => CONFIG_FIELDS.every((k) => g[k] === (k in changes ? changes[k] : f[k])));
const base = (f: Figure) => measuredLike(f, { precision: 'fp32', layout: 'contiguous' });
const speedup = Object.fromEntries(figures.map((f) => [key(f), base(f) ? base(f)!.seconds_per_iteration / f.seconds_per_iteration : null]));
console.log('speed-up over fp32 contiguous (same run):', JSON.stringify(speedup));
// The ranking term's cost: seconds per iteration over those without it, same preset, precision and layout.
const noRank = (f: Figure) => measuredLike(f, { design_rank: 0 });
const rankCost =
  ranks.length > 1
    ? Object.fromEntries(
        figures
          .filter((f) => f.design_rank > 0 && noRank(f))
          .map((f) => [key(f), f.seconds_per_iteration / noRank(f)!.seconds_per_iteration]),
      )
    : undefined;
if (rankCost) console.log('time per iteration over --design-rank 0 (same run):', JSON.stringify(rankCost));
// The pick term's cost: over the same configuration without it.
const noPick = (f: Figure) => measuredLike(f, { lambda_pick: 0, pick_pool: 0 });
const pickCost =
  picks.length > 1
    ? Object.fromEntries(
        figures
          .filter((f) => f.lambda_pick > 0 && noPick(f))
          .map((f) => [key(f), f.seconds_per_iteration / noPick(f)!.seconds_per_iteration]),
      )
    : undefined;
if (pickCost) console.log('time per iteration over --lambda-pick 0 (same run):', JSON.stringify(pickCost));
// The pick pool's cost: over the same pick term with the batch's candidates alone.
const noPool = (f: Figure) => measuredLike(f, { pick_pool: 0 });
const poolCost =
  pools.length > 1
    ? Object.fromEntries(
        figures
          .filter((f) => f.pick_pool > 0 && noPool(f))
          .map((f) => [key(f), f.seconds_per_iteration / noPool(f)!.seconds_per_iteration]),
      )
    : undefined;
if (poolCost) console.log('time per iteration over --pick-pool 0 (same run):', JSON.stringify(poolCost));
// The colour-bin term's cost: over the same configuration without it.
const noColour = (f: Figure) => measuredLike(f, { mode_colour: 0 });
const colourCost =
  modeColours.length > 1
    ? Object.fromEntries(
        figures
          .filter((f) => f.mode_colour > 0 && noColour(f))
          .map((f) => [key(f), f.seconds_per_iteration / noColour(f)!.seconds_per_iteration]),
      )
    : undefined;
if (colourCost) console.log('time per iteration over --mode-colour 0 (same run):', JSON.stringify(colourCost));
// Time per iteration at 128x128 over 64x64, same preset, precision and layout.
const at64 = (f: Figure) => measuredLike(f, { image_size: 64 });
const sizeCost =
  sizes.length > 1
    ? Object.fromEntries(
        figures
          .filter((f) => f.image_size !== 64 && at64(f))
          .map((f) => [key(f), f.seconds_per_iteration / at64(f)!.seconds_per_iteration]),
      )
    : undefined;
if (sizeCost) console.log('time per iteration over 64x64 (same run):', JSON.stringify(sizeCost));
if (values.out !== 'none') {
  const flags =
    `--batch ${B} --tasks ${tasks} --steps ${steps}${presets.map((p) => ` --preset ${p}`).join('')}${precisions.map((p) => ` --precision ${p}`).join('')}` +
    `${layouts.map((l) => ` --layout ${l}`).join('')}${values.profile ? ' --profile' : ''}${values['design-rank'] ? ranks.map((w) => ` --design-rank ${w}`).join('') : ''}${values['lambda-pick'] ? picks.map((w) => ` --lambda-pick ${w}`).join('') : ''}${values['pick-pool'] ? pools.map((n) => ` --pick-pool ${n}`).join('') : ''}${colourModes ? ` --colour-modes ${colourModes}` : ''}${values['mode-colour'] ? modeColours.map((w) => ` --mode-colour ${w}`).join('') : ''}${sizes.map((n) => ` --image-size ${n}`).join('')}${upsample === 'nearest' ? ' --upsample nearest' : ''}${device === 'cpu' ? '' : ` --device ${device}`}`;
  const file = writeResult(
    values.out ?? `designer_step_${device.replace(':', '')}`,
    {
      batch: B,
      tasks,
      steps,
      device,
      figures,
      speedup_over_fp32_contiguous: speedup,
      ...(rankCost ? { time_over_design_rank_0: rankCost } : {}),
      ...(pickCost ? { time_over_lambda_pick_0: pickCost } : {}),
      ...(poolCost ? { time_over_pick_pool_0: poolCost } : {}),
      ...(colourCost ? { time_over_mode_colour_0: colourCost } : {}),
      ...(sizeCost ? { time_over_64: sizeCost } : {}),
    },
    `npm run bench -- designer_step ${flags}`,
  );
  console.log(`wrote ${file}`);
}
