// `npm run demo`: the main job on the built-in default data.
//   1. builds the default synthetic fashion world (runs/demo/world) and its oracle
//   2. trains the designer with the demo's recipe (recipes/demo.json) into runs/demo/run (a fresh
//      run each time; bounded to DEMO_MINUTES of training)
//   3. designs one test top's bottom for every user (the paper's Fig. 7)
//   then design-and-retrieve: the query's designs for four users with the nearest real items (Fig. 6)
//   4. evaluates the run (pfd eval) side by side with the pretrained model of the same
//      preset (pretrained/demo-cpu, trained for much longer on the same world): Table 2,
//      the oracle's figures against their range, grids, learning and training curves
//   npm run demo -- --hm DIR: the same on real product photos and customers (demo_hm.ts)
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hmDemo } from './demo_hm.js';
import { demoStep, manifestOutfits } from './demo_steps.js';
import { UsageError } from './errors.js';
import { readServingMetadata } from '../run/run_dir.js';
import { loadDataset } from '../data/load.js';
import { defaultDevice } from '../torch/index.js';

const DEMO_MINUTES = Number(process.env.PFD_DEMO_MINUTES ?? 14);
// The demo's recipe (recipes/demo.json): the long recipe, the best measured at the demo's 14
// minutes (docs/experiments/18-capacity-noise.md).
const RECIPE = ['--recipe', 'demo'];
const root = path.resolve('runs', 'demo');
const world = path.join(root, 'world'),
  run = path.join(root, 'run'),
  pretrained = path.join(root, 'pretrained');
// The shipped pretrained model (its dataset path is runs/demo/world, relative to the repository).
const shipped = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pretrained', 'demo-cpu');
// The first GPU when this libtorch has one (LIBTORCH= a CUDA build), else the CPU: the same
// 14 minutes then train several times as many iterations (docs/engine.md).
const device = defaultDevice();
const onDevice = device === 'cpu' ? [] : ['--device', device];
// More than 14 minutes allow: the budget ends the run (about 1,300 iterations on 2 cores with bf16).
const DEMO_ITERATIONS = device === 'cpu' ? 3000 : 20000;
const step = demoStep;

let args: { hm?: string };
try {
  args = parseArgs({ options: { hm: { type: 'string' } }, strict: true }).values;
} catch (e) {
  console.error(`npm run demo [-- --hm DIR]: ${(e as Error).message}`);
  process.exit(2);
}
if (args.hm !== undefined) {
  try {
    await hmDemo(args.hm, DEMO_MINUTES, DEMO_ITERATIONS, onDevice);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`npm run demo -- --hm: ${e.message}`);
    process.exit(2);
  }
  process.exit(0);
}

if (existsSync(world)) rmSync(world, { recursive: true });
await step('1/4 the synthetic world', ['data', 'make', '--preset', 'demo', '--out', world]);
await step('', ['data', 'inspect', world]);
if (existsSync(run)) rmSync(run, { recursive: true });
// The time budget ends the run, not the preset's 600 iterations: a CPU with bf16 units runs those
// in about 7 of the 14 minutes (docs/training.md, "Results on the demo world").
await step(`2/4 training the designer (recipe demo, at most ${DEMO_MINUTES} minutes)`, [
  'train',
  '--data',
  world,
  '--out',
  run,
  ...RECIPE,
  '--iterations',
  String(DEMO_ITERATIONS),
  '--minutes',
  String(DEMO_MINUTES),
  ...onDevice,
]);
// The first test outfit's top, designed for every user.
const firstTest = manifestOutfits(world).find((o) => o.split === 'test')!;
const query = path.parse(firstTest.top).name;
const fig7 = path.join(root, `fig7-${query}.png`);
await step('3/4 one query, every user (Fig. 7)', [
  'design',
  '--run',
  run,
  '--query',
  query,
  '--users',
  'all',
  '--scale',
  '2',
  '--out',
  fig7,
]);
// A copy of the pretrained model, so that its evaluation is written under runs/, not into the repository.
// (Only when it was trained on this very world: its users must be the world's, in order.)
const sameWorld = () => {
  const users = readServingMetadata(path.join(shipped, 'model.safetensors')).users;
  const world_ = loadDataset({ path: world, format: 'manifest', skipBad: false }).users;
  const same = users.length === world_.length && users.every((u, i) => u === world_[i]);
  if (!same) console.log(`(pretrained/demo-cpu was trained on another world than ${world}: it is left out)`);
  return same;
};
const hasPretrained = existsSync(path.join(shipped, 'model.safetensors')) && sameWorld();
const fig7Pretrained = path.join(root, `fig7-${query}-pretrained.png`);
if (hasPretrained) {
  rmSync(pretrained, { recursive: true, force: true });
  cpSync(shipped, pretrained, { recursive: true });
  await step('', ['design', '--run', pretrained, '--query', query, '--users', 'all', '--scale', '2', '--out', fig7Pretrained]);
}
// Design-and-retrieve (Fig. 6): the same query for four users, each design with its five nearest real bottoms.
const fig6 = path.join(root, `fig6-${query}${hasPretrained ? '-pretrained' : ''}.png`);
await step('design and retrieve real items (Fig. 6)', [
  'retrieve',
  '--run',
  hasPretrained ? pretrained : run,
  '--query',
  query,
  '--users',
  'u0000,u0001,u0002,u0003',
  '--k',
  '5',
  '--out',
  fig6,
  '--json',
  fig6.replace(/\.png$/, '.json'),
  ...onDevice,
]);
const report = path.join(root, 'report');
await step(`4/4 evaluation${hasPretrained ? ': this run and the pretrained model side by side' : ''}`, [
  'eval',
  '--run',
  run,
  ...(hasPretrained ? ['--run', pretrained] : []),
  '--out',
  report,
  ...onDevice,
]);
console.log(`\ndemo done:
  the world's outfits per user   ${path.join(world, 'contact-sheet.png')}
  samples during training         ${path.join(run, 'samples')}
  one query designed for each user ${fig7}${hasPretrained ? `\n  the same by the pretrained model ${fig7Pretrained}` : ''}
  designs and real items to buy   ${fig6}
  evaluation report               ${path.join(report, 'report.html')}
  design more: npm run pfd -- design --run ${hasPretrained ? 'pretrained/demo-cpu' : path.relative(process.cwd(), run)} --query t000001 --user u0003`);
process.exit(0);
