// Refactor guard (issue "One recipe from scratch"): fingerprints of what a trained model designs
// and of what training computes, so that a refactor can be shown to change neither.
//   designs RUN OUT.json      sha256 of the PNG of 64 fixed (query, user) designs (8 test tops
//                             and 8 test bottoms as queries x 4 users each), as `pfd design` makes them
//   losses RUN_DIR OUT.json   every logged loss of a run's metrics.jsonl (training records), per iteration
//   compare A.json B.json     exit 1 naming the first difference
// Usage: node --import tsx scripts/equivalence.ts designs pretrained/demo-cpu /tmp/k8-before.json
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as T from '../src/torch/index.js';
import { openRun } from '../src/run/trained_model.js';
import { loadDataset } from '../src/data/load.js';
import { loadImageBytes, bytesToUnit, tensorToPng } from '../src/data/images.js';
import { complementOf, type Category } from '../src/models/designer.js';

async function designs(run: string, out: string): Promise<void> {
  const trained = openRun(run);
  const d = loadDataset(trained.config.data);
  const test = d.outfits.filter((o) => o.split === 'test');
  const hashes: Record<string, string> = {};
  for (const category of ['top', 'bottom'] as Category[]) {
    const ids = [...new Set(test.map((o) => (category === 'top' ? o.top : o.bottom)))].slice(0, 8);
    const items = category === 'top' ? d.tops : d.bottoms;
    for (const [qi, index] of ids.entries()) {
      const { id, path } = items[index]!;
      const bytes = await loadImageBytes(path, 64);
      for (let k = 0; k < 4; k++) {
        const user = (qi * 5 + k * 7) % trained.users.length;
        const img = T.tidy(() => {
          const q = bytesToUnit(T.tensor(bytes, { dtype: 'uint8', shape: [1, 3, 64, 64] }));
          return T.keep(T.select(trained.model.design(q, T.tensor([user], { dtype: 'int64' }), complementOf(category)), 0, 0));
        });
        const png = await tensorToPng(img);
        img.dispose();
        hashes[`${id}/${trained.users[user]}`] = createHash('sha256').update(png).digest('hex');
      }
    }
  }
  trained.dispose();
  writeFileSync(out, JSON.stringify(hashes, null, 1));
  console.log(`${Object.keys(hashes).length} designs fingerprinted: ${out}`);
}

function losses(run: string, out: string): void {
  const rows = readFileSync(`${run}/metrics.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const train = rows
    .filter((r) => r.phase !== 'eval')
    .map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !/seconds|time/.test(k))));
  writeFileSync(out, JSON.stringify(train));
  console.log(`${train.length} iterations of losses: ${out}`);
}

function compare(a: string, b: string): void {
  const A = JSON.parse(readFileSync(a, 'utf8')),
    B = JSON.parse(readFileSync(b, 'utf8'));
  const flat = (o: unknown, p = ''): [string, unknown][] =>
    o && typeof o === 'object' ? Object.entries(o).flatMap(([k, v]) => flat(v, p ? `${p}.${k}` : k)) : [[p, o]];
  const fa = new Map(flat(A)),
    fb = new Map(flat(B));
  for (const [k, v] of fa) {
    if (!fb.has(k)) {
      console.log(`${k}: only in ${a}`);
      process.exit(1);
    }
    if (!Object.is(v, fb.get(k))) {
      console.log(`${k}: ${v} in ${a}, ${fb.get(k)} in ${b}`);
      process.exit(1);
    }
  }
  for (const k of fb.keys())
    if (!fa.has(k)) {
      console.log(`${k}: only in ${b}`);
      process.exit(1);
    }
  console.log(`identical (${fa.size} values)`);
}

const [cmd, x, y] = process.argv.slice(2);
if (cmd === 'designs' && x && y) await designs(x, y);
else if (cmd === 'losses' && x && y) losses(x, y);
else if (cmd === 'compare' && x && y) compare(x, y);
else {
  console.error('usage: equivalence.ts designs RUN OUT.json | losses RUN_DIR OUT.json | compare A.json B.json');
  process.exit(2);
}
