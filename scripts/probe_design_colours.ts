// Probe (docs/training.md, twelfth round): on a synthetic world, how the designs' colours
// and patterns, as the oracle classifier reads them, sit against each case's user's taste,
// and what the oracle's figures would be if the designs read as busy ("print", "checks")
// were solid. Usage: npx tsx scripts/probe_design_colours.ts RUN_DIR [N]
import path from 'node:path';
import { evaluateRun, DEFAULT_EVAL } from '../src/eval/evaluate.js';
import { classifyAll, oracleFigures } from '../src/eval/oracle_metrics.js';
import { loadWorldGroundTruth } from '../src/data/world/ground_truth.js';
import { WorldOracle } from '../src/data/world/world.js';
import { COLOURS, type ItemAttributes } from '../src/data/world/attributes.js';
import { loadDataset } from '../src/data/load.js';

const dir = process.argv[2];
const n = Number(process.argv[3] ?? 1000);
if (!dir || !Number.isInteger(n) || n < 1) {
  console.error('usage: npx tsx scripts/probe_design_colours.ts RUN_DIR [N test cases, default 1000]');
  process.exit(2);
}
const ev = await evaluateRun(dir, { ...DEFAULT_EVAL, n });
const cfg = ev.trained.config;
const gt = loadWorldGroundTruth(cfg.data.path);
if (!gt?.oracle) throw new Error(`${cfg.data.path} is not a synthetic world with an oracle classifier`);
const dataset = loadDataset(cfg.data);
const oracle = new WorldOracle(gt.world);
const read = {
  design: classifyAll(gt.oracle, ev.designs.design),
  other: classifyAll(gt.oracle, ev.designs.other),
  swapped: classifyAll(gt.oracle, ev.designs.swapped),
};
const cases = ev.designs.cases;
const hist = (xs: number[]) => COLOURS.map((c, i) => `${c.name} ${xs.filter((x) => x === i).length}`).join(', ');
let rankD = 0,
  rankT = 0,
  top2D = 0,
  top2T = 0;
const truthColours: number[] = [];
cases.forEach((c, i) => {
  const truth = oracle.item(path.parse((c.target === 'top' ? dataset.tops : dataset.bottoms)[c.truth]!.id).name);
  const order = oracle
    .taste(dataset.users[c.user]!)
    .colours.map((a, k) => [a, k] as const)
    .sort((a, b) => b[0] - a[0])
    .map((x) => x[1]);
  truthColours.push(truth.colour);
  rankD += order.indexOf(read.design[i]!.colour);
  rankT += order.indexOf(truth.colour);
  top2D += order.slice(0, 2).includes(read.design[i]!.colour) ? 1 : 0;
  top2T += order.slice(0, 2).includes(truth.colour) ? 1 : 0;
});
console.log(`designs' colours: ${hist(read.design.map((r) => r.colour))}`);
console.log(`truths' colours:  ${hist(truthColours)}`);
console.log(
  `mean 0-based rank of the colour in the user's order (random ${((COLOURS.length - 1) / 2).toFixed(1)}): designs ${(rankD / cases.length).toFixed(2)}, ground truth ${(rankT / cases.length).toFixed(2)}`,
);
console.log(
  `colour in the user's top 2 (random ${(2 / COLOURS.length).toFixed(3)}): designs ${(top2D / cases.length).toFixed(3)}, ground truth ${(top2T / cases.length).toFixed(3)}`,
);
const solid = (xs: ItemAttributes[]) =>
  xs.map((a) => (a.pattern === 'print' || a.pattern === 'checks' ? { ...a, pattern: 'solid' as const, secondary: a.colour } : a));
for (const [name, r] of [
  ['as read', read],
  ['busy read as solid', { design: solid(read.design), other: solid(read.other), swapped: solid(read.swapped) }],
] as const) {
  const f = oracleFigures(gt.world, dataset, cases, r, DEFAULT_EVAL.seed);
  console.log(
    `${name}: compat ${f.compat_design.toFixed(3)}, taste ${f.taste_design.toFixed(3)}, personal win ${f.personal_win_rate.toFixed(3)}, own-query ${f.own_query_advantage.toFixed(3)}`,
  );
}
ev.dispose();
