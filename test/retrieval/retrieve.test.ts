// Design-and-retrieve: the HNSW index agrees with brute force, is built once
// and rebuilt when the snapshot changes; rankings are ordered as they say;
// `pfd retrieve` writes its picture and JSON; --evaluate ranks methods below
// the oracle's ceiling.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { train } from '../../src/train/trainer.js';
import { openRun } from '../../src/run/trained_model.js';
import { loadDataset } from '../../src/data/load.js';
import { loadImageBytes, bytesToUnit } from '../../src/data/images.js';
import { openCatalogIndex, embedForIndex } from '../../src/retrieval/catalog_index.js';
import { designAndRetrieve, rankCatalog } from '../../src/retrieval/retrieve.js';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';
import { quietly } from '../helpers.js';
import { tinyConfig, tinyWorldWithOracle } from '../train/fixtures.js';

let world = '',
  run = '';
before(async () => {
  world = await tinyWorldWithOracle();
  run = path.join(tmp('retrieve'), 'run');
  await train(tinyConfig(world, { iterations: 2 }), run);
});

test('catalog index: nearest items as brute force finds them; rankings ordered; built once, rebuilt for a new snapshot', async () => {
  const trained = openRun(run);
  const dataset = loadDataset(trained.config.data);
  const live = T.liveTensors();
  const index = await openCatalogIndex(trained, dataset, 'bottom', 'code');
  assert.ok(index.built);
  assert.equal(index.items.length, dataset.bottoms.length, 'every bottom of the catalog');
  const bytes = await loadImageBytes(dataset.tops[0]!.path, 64);
  const query = T.tidy(() => T.keep(bytesToUnit(T.tensor(bytes, { dtype: 'uint8', shape: [1, 3, 64, 64] }))));
  const r = designAndRetrieve(trained, dataset, index, query, 1, { k: 5, ranking: 'nearest', candidates: 10, device: 'cpu' });
  // Brute force over the same embedding.
  const all = await Promise.all(dataset.bottoms.map((b) => loadImageBytes(b.path, 64)));
  const flat = new Uint8Array(all.length * 3 * 64 * 64);
  all.forEach((b, i) => flat.set(b, i * b.length));
  const rows = T.tidy(() =>
    embedForIndex(trained, bytesToUnit(T.tensor(flat, { dtype: 'uint8', shape: [all.length, 3, 64, 64] })), 'code', 'cpu'),
  );
  const d = embedForIndex(trained, r.design, 'code', 'cpu')[0]!;
  const dist = rows.map((row, i) => [row.reduce((s, v, j) => s + (v - d[j]!) ** 2, 0), i] as const).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(
    r.items.map((x) => x.item),
    dist.slice(0, 5).map(([, i]) => i),
    'HNSW finds the exact nearest items on a small catalog',
  );
  for (let i = 1; i < r.items.length; i++) assert.ok(r.items[i]!.distance >= r.items[i - 1]!.distance);
  const c = designAndRetrieve(trained, dataset, index, query, 1, { k: 5, ranking: 'compat', candidates: 10, device: 'cpu' });
  for (let i = 1; i < c.items.length; i++) assert.ok(c.items[i]!.score <= c.items[i - 1]!.score, 'design-then-rank: by s_{u,o}');
  const best = rankCatalog(trained, dataset, index, query, 1, 3, 'cpu');
  assert.ok(best[0]!.score >= Math.max(...c.items.map((x) => x.score)), 'the exhaustive ranking finds the highest score');
  T.dispose([r.design, c.design, query]);
  index.dispose();
  assert.equal(T.liveTensors(), live, 'no tensors left behind');
  // Read back, not rebuilt; a new snapshot (mtime) gets a new index and the stale one goes.
  const again = await openCatalogIndex(trained, dataset, 'bottom', 'code');
  assert.ok(!again.built && again.file === index.file);
  again.dispose();
  const t = new Date(Date.now() + 5000);
  utimesSync(path.join(run, 'model.safetensors'), t, t);
  const fresh = await openCatalogIndex(trained, dataset, 'bottom', 'code');
  assert.ok(fresh.built && fresh.file !== index.file);
  assert.deepEqual(
    readdirSync(path.join(run, 'retrieval')).filter((f) => f.startsWith('bottom-code-')).length,
    2,
    'one graph and one codes file',
  );
  fresh.dispose();
  trained.dispose();
});

test('pfd retrieve: picture and JSON for several users; --evaluate ranks every method below the oracle ceiling; clear errors', async () => {
  const dataset = loadDataset({ path: world, format: 'manifest', skipBad: false });
  const out = path.join(tmp('retrieve'), 'fig6.png'),
    json = path.join(tmp('retrieve'), 'fig6.json');
  const r = await quietly(() =>
    main([
      'retrieve',
      '--run',
      run,
      '--query',
      path.parse(dataset.tops[2]!.id).name,
      '--users',
      'u0000,u0002',
      '--k',
      '3',
      '--rank',
      'compat',
      '--out',
      out,
      '--json',
      json,
    ]),
  );
  assert.equal(r.result, 0, r.err);
  assert.ok(readFileSync(out).subarray(1, 4).toString() === 'PNG');
  const j = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(j.results.length, 2);
  for (const u of j.results) assert.equal(u.items.length, 3);
  const e = await quietly(() => main(['retrieve', '--run', run, '--evaluate', '--n', '6', '--k', '2', '--candidates', '4']));
  assert.equal(e.result, 0, e.err);
  const ev = JSON.parse(readFileSync(path.join(run, 'eval', 'retrieval.json'), 'utf8'));
  assert.equal(ev.rows.length, 6);
  const ceiling = ev.rows.find((x: { method: string }) => x.method.startsWith('oracle best'));
  for (const x of ev.rows) assert.ok(x.compat + x.taste <= ceiling.compat + ceiling.taste + 1e-9, `${x.method} is below the ceiling`);
  const bad = await quietly(() => main(['retrieve', '--run', run, '--query', 'x', '--user', 'u0000', '--embedding', 'clip']));
  assert.equal(bad.result, 2);
  assert.match(bad.err, /--embedding must be one of code, pixels, got 'clip'/);
  const who = await quietly(() => main(['retrieve', '--run', run, '--query', path.parse(dataset.tops[2]!.id).name, '--user', 'nobody']));
  assert.equal(who.result, 1);
  assert.match(who.err, /unknown user 'nobody'/);
});
