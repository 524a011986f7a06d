// One GAN training step of the paper's decoder G and real/fake discriminator D
// at 64x64 (RaLSGAN, Adam): the workload the TS-vs-C++ benchmark compares.
// bench/cpp/gan_step.cc does exactly the same operations in C++.
//
//   node --import tsx bench/gan_step.ts --batch 64 --steps 3 --warmup 1
// prints one JSON line: {"impl":"ts","batch":64,"step_ms":[...]}
import { parseArgs } from 'node:util';
import * as T from '../src/torch/index.js';
import * as nn from '../src/nn/index.js';
import { Decoder, PAPER_DECODER } from '../src/models/decoder.js';
import { RealFakeDiscriminator, PAPER_DISCRIMINATOR } from '../src/models/real_fake_discriminator.js';
import { ralsganDiscriminatorLoss, ralsganGeneratorLoss } from '../src/models/ralsgan.js';

export interface GanBench {
  G: Decoder;
  D: RealFakeDiscriminator;
  optG: nn.Adam;
  optD: nn.Adam;
  z: T.Tensor; // [B, 128]
  real: T.Tensor; // [B, 3, 64, 64]
}

/** width < 1 scales every channel count (the memory benchmark's smaller, faster variant). */
export function makeGanBench(batch: number, seed = 0, width = 1): GanBench {
  T.manualSeed(seed);
  const w = (c: number) => Math.max(1, Math.round(c * width));
  const G = new Decoder({ ...PAPER_DECODER, baseChannels: w(PAPER_DECODER.baseChannels), channels: PAPER_DECODER.channels.map(w) });
  const D = new RealFakeDiscriminator({
    ...PAPER_DISCRIMINATOR,
    channels: PAPER_DISCRIMINATOR.channels.map(w),
    hidden: w(PAPER_DISCRIMINATOR.hidden),
  });
  return {
    G,
    D,
    optG: new nn.Adam(G.parameters(), { lr: 2e-4, betas: [0.5, 0.999] }),
    optD: new nn.Adam(D.parameters(), { lr: 2e-4, betas: [0.5, 0.999] }),
    z: T.keep(T.randn([batch, 128])),
    real: T.keep(T.clamp(T.randn([batch, 3, 64, 64]), -1, 1)),
  };
}

/** One D update then one G update; returns [lossD, lossG]. */
export function ganStep(b: GanBench): [number, number] {
  const lossD = T.tidy(() => {
    b.optD.zeroGrad();
    const fake = T.noGrad(() => b.G.forward(b.z));
    const loss = ralsganDiscriminatorLoss(b.D.forward(b.real), b.D.forward(fake));
    loss.backward();
    b.optD.step();
    return loss.item();
  });
  const lossG = T.tidy(() => {
    b.optG.zeroGrad();
    const dReal = T.noGrad(() => b.D.forward(b.real));
    const loss = ralsganGeneratorLoss(dReal, b.D.forward(b.G.forward(b.z)));
    loss.backward();
    b.optG.step();
    return loss.item();
  });
  return [lossD, lossG];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      batch: { type: 'string', default: '64' },
      steps: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
    },
  });
  const b = makeGanBench(Number(values.batch));
  for (let i = 0; i < Number(values.warmup); i++) ganStep(b);
  const stepMs: number[] = [];
  let losses: [number, number] = [0, 0];
  const calls0 = T.opCallCount();
  for (let i = 0; i < Number(values.steps); i++) {
    const t0 = performance.now();
    losses = ganStep(b);
    stepMs.push(performance.now() - t0);
  }
  const opsPerStep = (T.opCallCount() - calls0) / Number(values.steps);
  // The binding's cost per call: a tiny op, many times (the op itself is the same in C++).
  const x = T.keep(T.ones([1])),
    y = T.keep(T.ones([1]));
  const n = 200000;
  const t0 = performance.now();
  T.tidy(() => {
    for (let i = 0; i < n; i++) T.add(x, y).dispose();
  });
  const usPerCall = ((performance.now() - t0) * 1000) / n;
  console.log(
    JSON.stringify({
      impl: 'ts',
      batch: Number(values.batch),
      threads: T.getNumThreads(),
      step_ms: stepMs,
      losses,
      ops_per_step: opsPerStep,
      us_per_tiny_op: usPerCall,
    }),
  );
}
