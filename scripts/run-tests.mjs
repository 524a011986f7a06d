// Runs every test/**/*.test.ts with node's test runner (TypeScript via tsx).
// Usage: node scripts/run-tests.mjs [filter]   (filter: substring of the path)
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const filter = process.argv[2] ?? '';
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts') && p.includes(filter)) files.push(p);
  }
})('test');
if (files.length === 0) {
  console.error(`no test files match '${filter}'`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
