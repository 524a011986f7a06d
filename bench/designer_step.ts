// Seconds per Algorithm 1 iteration (F/M/theta_u step, n_D = 2 D steps, G step)
// for a model preset at a batch size, with the share of each step.
//   npm run bench -- designer_step --preset cpu --batch 64 --steps 5
import { parseArgs } from 'node:util';
import * as T from '../src/torch/index.js';
import { Designer } from '../src/models/designer.js';
import { MODEL_PRESETS, type ModelPresetName } from '../src/models/presets.js';
import { algorithm1Step, type ImageBatch, type StepTiming } from '../src/train/algorithm1.js';
import { makeOptimizers } from '../src/train/optimizers.js';
import { DEFAULT_STEP } from '../src/train/config.js';
import { writeResult, median } from './results.js';

const { values } = parseArgs({ options: {
  preset: { type: 'string', multiple: true }, batch: { type: 'string', default: '64' }, steps: { type: 'string', default: '5' },
  warmup: { type: 'string', default: '1' }, device: { type: 'string', default: 'cpu' }, out: { type: 'string' },
} });
const presets = (values.preset ?? ['cpu', 'paper']) as ModelPresetName[];
const B = Number(values.batch), steps = Number(values.steps), warmup = Number(values.warmup);
const device = T.parseDevice(values.device!);
const users = 16;

const figures: Record<string, unknown> = {};
for (const preset of presets) {
  T.manualSeed(0);
  const model = new Designer({ ...MODEL_PRESETS[preset], users, userCond: 'vector', targets: ['bottom'] }).to(device);
  const opt = makeOptimizers(model, { lr: 2e-4, betas: [0.5, 0.999] });
  const img = () => T.keep(T.sub(T.mul(T.rand([B, 3, 64, 64], { device }), 2), 1));
  const batch: ImageBatch = { target: 'bottom', users: T.keep(T.randint(0, users, [B], { device })), query: img(), positive: img(), negQuery: img(), negComplement: img() };
  const times: number[] = [];
  const timing: StepTiming = { a: 0, b: 0, c: 0 };
  for (let s = 0; s < warmup + steps; s++) {
    const t0 = performance.now();
    const t = { a: 0, b: 0, c: 0 };
    algorithm1Step(model, opt, batch, DEFAULT_STEP, t);
    if (device !== 'cpu') T.tidy(() => model.encoder.parameters()[0]!.sum().item()); // sync
    const ms = performance.now() - t0;
    if (s >= warmup) {
      times.push(ms);
      timing.a += t.a; timing.b += t.b; timing.c += t.c;
    }
    await new Promise(setImmediate);
  }
  const total = timing.a + timing.b + timing.c;
  const r = {
    params: { encoder: model.encoder.numParameters(), metric: model.metric.numParameters(), decoder: model.generator('bottom').numParameters(), discriminator: model.discriminator('bottom').numParameters() },
    seconds_per_iteration: median(times) / 1000,
    samples_per_second: B / (median(times) / 1000),
    share: { a_compat: timing.a / total, b_disc: timing.b / total, c_gen: timing.c / total },
    all_ms: times.map((t) => Math.round(t)),
  };
  figures[preset] = r;
  console.log(`${preset}: ${r.seconds_per_iteration.toFixed(3)} s/iteration at batch ${B} (${r.samples_per_second.toFixed(1)} samples/s); ` +
    `share (a) ${(100 * r.share.a_compat).toFixed(0)}%, (b) ${(100 * r.share.b_disc).toFixed(0)}%, (c) ${(100 * r.share.c_gen).toFixed(0)}%; params ${JSON.stringify(r.params)}`);
  model.dispose();
  T.dispose([...Object.values(batch).filter((v) => v instanceof T.Tensor)]);
}
if (values.out !== 'none') {
  const file = writeResult(values.out ?? `designer_step_${device.replace(':', '')}`, { batch: B, steps, device, figures },
    `npm run bench -- designer_step --batch ${B} --steps ${steps}${presets.map((p) => ` --preset ${p}`).join('')}${device === 'cpu' ? '' : ` --device ${device}`}`);
  console.log(`wrote ${file}`);
}
