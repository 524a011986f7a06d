// `npm run demo`: the main job on the built-in default data.
//   1. builds the default synthetic fashion world (runs/demo/world) and its oracle
//   2. trains the designer, preset `cpu`, into runs/demo/run (a fresh run each time;
//      bounded to DEMO_MINUTES of training)
//   3. designs one test top's bottom for every user (the paper's Fig. 7)
//   4. evaluates the run (pfd eval): Table 2, the oracle's compatibility and
//      personalization figures, grids and training curves in runs/demo/run/eval
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { main } from './pfd.js';

const DEMO_MINUTES = Number(process.env.PFD_DEMO_MINUTES ?? 14);
const root = path.resolve('runs', 'demo');
const world = path.join(root, 'world'), run = path.join(root, 'run');
const step = async (title: string, argv: string[]) => {
  console.log(`\n== ${title}\n$ pfd ${argv.join(' ')}`);
  const code = await main(argv);
  if (code !== 0) process.exit(code);
};

if (existsSync(world)) rmSync(world, { recursive: true });
await step('1/4 the synthetic world', ['data', 'make', '--preset', 'demo', '--out', world]);
await step('', ['data', 'inspect', world]);
if (existsSync(run)) rmSync(run, { recursive: true });
await step(`2/4 training the designer (preset cpu, at most ${DEMO_MINUTES} minutes)`, ['train', '--data', world, '--out', run, '--preset', 'cpu', '--minutes', String(DEMO_MINUTES)]);
// The first test outfit's top, designed for every user.
const firstTest = readFileSync(path.join(world, 'manifest.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { top: string; split: string }).find((o) => o.split === 'test')!;
const query = path.parse(firstTest.top).name;
const fig7 = path.join(root, `fig7-${query}.png`);
await step('3/4 one query, every user (Fig. 7)', ['design', '--run', run, '--query', query, '--users', 'all', '--scale', '2', '--out', fig7]);
await step('4/4 evaluation', ['eval', '--run', run]);
console.log(`\ndemo done:
  the world's outfits per user   ${path.join(world, 'contact-sheet.png')}
  samples during training         ${path.join(run, 'samples')}
  one query designed for each user ${fig7}
  evaluation report               ${path.join(run, 'eval', 'report.html')}
  design more: npm run pfd -- design --run ${path.relative(process.cwd(), run)} --query t000001 --user u0003`);
process.exit(0);
