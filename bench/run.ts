// `npm run bench -- NAME [flags]` runs one benchmark; with no NAME, all of them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHMARKS: Record<string, string> = {
  conv_transpose: 'conv_transpose.ts',
  ts_vs_cpp: 'ts_vs_cpp.ts',
  memory: 'memory.ts',
  data: 'data.ts',
  designer_step: 'designer_step.ts',
  fold_in: 'fold_in.ts',
  serve_load: 'serve_load.ts',
  eval: 'eval.ts',
  distributed: 'distributed.ts',
  hm_import: 'hm_import.ts',
  serve_first: 'serve_first.ts',
};
const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);
if (name && !BENCHMARKS[name]) {
  console.error(`unknown benchmark '${name}': choose one of ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
for (const n of name ? [name] : Object.keys(BENCHMARKS)) {
  const flags = n === 'memory' ? ['--expose-gc'] : [];
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', path.join(here, BENCHMARKS[n]!), ...rest], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
