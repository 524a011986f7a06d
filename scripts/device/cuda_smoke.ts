// A CUDA check of the engine, for a machine whose libtorch has CUDA: ops,
// autograd and the fast transposed convolution on the GPU against the CPU,
// nn modules moved with .to(), scoped memory, and the paper's GAN step timed.
//   PFD_TORCH_ADDON=... node cuda_smoke.mjs
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';
import { makeGanBench, ganStep } from '../../bench/gan_step.js';

const info = T.buildInfo();
console.log(`libtorch ${info.torchVersion}, cuda devices: ${T.cudaDeviceCount()}`);
if (!T.cudaAvailable()) throw new Error('no CUDA device visible to libtorch');
const dev = T.parseDevice('cuda:0');
let failures = 0;
const check = (name: string, ok: boolean, detail = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} ${detail}`);
  if (!ok) failures++;
};
const maxDiff = (a: T.Tensor, b: T.Tensor) => T.tidy(() => T.max(T.abs(T.sub(a.to('cpu'), b.to('cpu')))).item());

T.manualSeed(0);
T.tidy(() => {
  const a = T.randn([64, 128]),
    b = T.randn([128, 32]);
  check('matmul on cuda matches cpu', maxDiff(T.matmul(a.to(dev), b.to(dev)), T.matmul(a, b)) < 1e-3);
  const x = T.randn([4, 8, 16, 16]),
    w = T.randn([8, 6, 5, 5], { requiresGrad: true });
  const wg = w.detach().to(dev).requiresGrad_();
  const yc = nn.convTranspose2d(x, w, null, [2, 2], [2, 2], [1, 1]);
  const yg = nn.convTranspose2d(x.to(dev), wg, null, [2, 2], [2, 2], [1, 1]);
  check('fast convTranspose2d on cuda matches cpu', maxDiff(yg, yc) < 1e-3, `(${maxDiff(yg, yc).toExponential(1)})`);
  check('fast convTranspose2d matches aten on cuda', maxDiff(yg, T.convTranspose2dReference(x.to(dev), wg, null, 2, 2, 1)) < 1e-3);
  T.sum(T.square(yc)).backward();
  T.sum(T.square(yg)).backward();
  check('gradient on cuda matches cpu', maxDiff(wg.grad!, w.grad!) < 1e-2 * Math.max(1, T.max(T.abs(w.grad!)).item()));
  check('result lives on cuda', yg.device === 'cuda:0', yg.device);
});

const lin = new nn.Linear(16, 4).to(dev);
check(
  'Module.to(cuda) moves parameters',
  lin.parameters().every((p) => p.device === 'cuda:0' && p.requiresGrad),
);
lin.dispose();

for (const batch of [64]) {
  const b = makeGanBench(batch);
  b.G.to(dev);
  b.D.to(dev);
  const z = T.keep(b.z.to(dev)),
    real = T.keep(b.real.to(dev));
  b.z.dispose();
  b.real.dispose();
  const gb = { ...b, z, real };
  ganStep(gb);
  const live = T.liveTensors();
  const times: number[] = [];
  let losses: [number, number] = [0, 0];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    losses = ganStep(gb); // item() synchronizes
    times.push(performance.now() - t0);
  }
  check('GAN step on cuda leaves no tensors behind', T.liveTensors() === live);
  check('GAN losses are finite', losses.every(Number.isFinite), JSON.stringify(losses));
  times.sort((a, c) => a - c);
  console.log(`GAN step (paper G + D, 64x64, batch ${batch}) on cuda: median ${times[5]!.toFixed(1)} ms`);
  console.log(`CUDA_GAN_STEP_MS ${times[5]!.toFixed(2)}`);
}
console.log(failures ? `CUDA_SMOKE FAILED (${failures})` : 'CUDA_SMOKE OK');
process.exit(failures ? 1 : 0);
