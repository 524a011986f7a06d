// One GAN training step of the paper's decoder G and real/fake discriminator D
// at 64x64 (RaLSGAN, Adam): the workload the TS-vs-C++ benchmark compares.
// bench/cpp/gan_step.cc does exactly the same operations in C++.
//
//   node --import tsx bench/gan_step.ts --batch 64 --steps 3 --warmup 1
// prints one JSON line: {"impl":"ts","batch":64,"step_ms":[...]}
import { parseArgs } from 'node:util';
import * as T from '../src/torch/index.js';
import * as nn from '../src/nn/index.js';
import { Decoder } from '../src/models/decoder.js';
import { RealFakeDiscriminator } from '../src/models/real_fake_discriminator.js';
import { ralsganDiscriminatorLoss, ralsganGeneratorLoss } from '../src/models/ralsgan.js';

export interface GanBench {
  G: Decoder;
  D: RealFakeDiscriminator;
  optG: nn.Adam;
  optD: nn.Adam;
  z: T.Tensor; // [B, 128]
  real: T.Tensor; // [B, 3, 64, 64]
}

export function makeGanBench(batch: number, seed = 0): GanBench {
  T.manualSeed(seed);
  const G = new Decoder();
  const D = new RealFakeDiscriminator();
  return {
    G, D,
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
  const { values } = parseArgs({ options: { batch: { type: 'string', default: '64' }, steps: { type: 'string', default: '3' }, warmup: { type: 'string', default: '1' } } });
  const b = makeGanBench(Number(values.batch));
  for (let i = 0; i < Number(values.warmup); i++) ganStep(b);
  const stepMs: number[] = [];
  let losses: [number, number] = [0, 0];
  for (let i = 0; i < Number(values.steps); i++) {
    const t0 = performance.now();
    losses = ganStep(b);
    stepMs.push(performance.now() - t0);
  }
  console.log(JSON.stringify({ impl: 'ts', batch: Number(values.batch), threads: T.getNumThreads(), step_ms: stepMs, losses }));
}
