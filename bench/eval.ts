// Time to evaluate a trained run (N designs) and where it goes: loading,
// designing, and each metric of the registry.
//   npm run bench -- eval --run runs/demo/run --n 1000
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { DEFAULT_EVAL, evaluateRun } from '../src/eval/evaluate.js';
import { writeReport } from '../src/eval/report.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeResult } from './results.js';

const { values } = parseArgs({ options: { run: { type: 'string', default: 'runs/demo/run' }, n: { type: 'string', default: '1000' } } });
if (!existsSync(values.run!)) {
  console.error(`no run at ${values.run}: train one first (npm run demo)`);
  process.exit(2);
}
const t0 = performance.now();
const r = await evaluateRun(values.run!, { ...DEFAULT_EVAL, n: Number(values.n) });
const tReport = performance.now();
await writeReport([r], path.join(tmpdir(), `pfd-bench-eval-${process.pid}`));
const reportS = (performance.now() - tReport) / 1000;
const total = (performance.now() - t0) / 1000;
r.dispose();
const breakdown = { ...r.result.seconds, report: reportS };
console.log(`evaluated ${r.result.samples.designs} designs of ${values.run} in ${total.toFixed(1)} s`);
for (const [k, s] of Object.entries(breakdown).sort((a, b) => b[1] - a[1]))
  console.log(`  ${k.padEnd(28)} ${s.toFixed(2)} s (${((100 * s) / total).toFixed(1)}%)`);
const file = writeResult(
  'eval',
  { run: values.run, designs: r.result.samples.designs, total_seconds: total, breakdown_seconds: breakdown },
  `npm run bench -- eval --run ${values.run} --n ${values.n}`,
);
console.log(`wrote ${file}`);
