// `pfd eval` end to end on tiny runs trained here: metrics.json with sample
// sizes and feature networks, the report in HTML and Markdown, and every image
// it references on disk.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { train } from '../../src/train/trainer.js';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';
import { quietly } from '../helpers.js';
import { tinyConfig, tinyWorld, tinyWorldWithOracle } from '../train/fixtures.js';

let world = '',
  runA = '',
  runB = '';
before(async () => {
  world = await tinyWorldWithOracle();
  runA = path.join(tmp('eval'), 'full');
  runB = path.join(tmp('eval'), 'label');
  await train(tinyConfig(world, { iterations: 2 }), runA);
  await train(tinyConfig(world, { iterations: 2, userCond: 'label', genCompatLoss: false, task: 'top2bottom' }), runB);
});

test('pfd eval: two runs side by side, Table 2 with a Real row, grids and curves that exist', async () => {
  const out = path.join(tmp('eval'), 'report');
  const r = await quietly(() =>
    main([
      'eval',
      '--run',
      runA,
      '--run',
      runB,
      '--n',
      '20',
      '--splits',
      '2',
      '--ssim-pairs',
      '30',
      '--fanout-queries',
      '2',
      '--fanout-users',
      '3',
      '--out',
      out,
    ]),
  );
  assert.equal(r.result, 0, r.err);
  assert.match(r.out, /Opposite SSIM/);
  assert.match(r.out, /Compat\. AUC.*\n.*kind-1 negatives/);
  const metrics = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8')) as {
    name: string;
    samples: { designs: number };
    feature_nets: Record<string, string>;
    metrics: Record<string, { value: number }>;
  }[];
  assert.deepEqual(
    metrics.map((m) => m.name),
    ['full', 'label'],
  );
  assert.equal(metrics[0]!.samples.designs, 16, 'every test (outfit, category) pair when fewer than --n: 8 outfits x 2 categories');
  assert.equal(metrics[1]!.samples.designs, 8, 'a top2bottom run designs bottoms only');
  assert.match(metrics[0]!.feature_nets.domain!, /oracle attribute classifier/);
  for (const k of [
    'is_domain',
    'fid_domain',
    'opposite_ssim',
    'compat_auc',
    'oracle_category',
    'oracle_compat',
    'oracle_taste',
    'oracle_personal',
    'user_diversity',
    'nearest_real',
  ]) {
    assert.ok(k in metrics[0]!.metrics, `metric ${k}`);
  }
  const oc = metrics[0]!.metrics.oracle_category!.value;
  assert.ok(oc >= 0 && oc <= 1);
  const md = readFileSync(path.join(out, 'report.md'), 'utf8');
  assert.match(md, /\| Real \|/);
  // (", bf16" where the CPU has bf16 units and the runs' default precision became bf16)
  assert.match(md, /\| full \(cpu, theta_u, both, iteration 2(, bf16)?\) \|/);
  assert.match(md, /\| label \(cpu, discrete user label, no L_G\^FM, top2bottom, iteration 2(, bf16)?\) \|/);
  assert.match(md, /FID \(domain features\)/);
  assert.match(md, /IS \(domain classes\)/);
  assert.doesNotMatch(md, /\| FID ↓/, 'no bare FID without the Inception weights');
  const html = readFileSync(path.join(out, 'report.html'), 'utf8');
  const refs = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
  const htmlRefs = [...html.matchAll(/<img [^>]*src="([^"]+)"/g)].map((m) => m[1]!);
  assert.deepEqual(htmlRefs, refs);
  // Every markdown heading is an HTML heading, none printed as text (a ### line used to be).
  assert.doesNotMatch(html, /(^|>)\s*#{1,6} /m, 'no literal markdown heading in the page');
  for (const h of md.split('\n').filter((l) => /^#{1,6} /.test(l))) {
    const level = h.indexOf(' ');
    assert.ok(html.includes(`<h${level}>`), `a <h${level}> for '${h}'`);
  }
  assert.match(html, /<h3>Oracle figures against their range<\/h3>/);
  assert.ok(
    refs.includes('fig5-bottoms.png') &&
      refs.includes('fig5-tops.png') &&
      refs.includes('fig7-full.png') &&
      refs.includes('curves-label.png'),
  );
  for (const f of refs) assert.ok(existsSync(path.join(out, f)), `${f} exists`);
  // Each run keeps its metric history.
  assert.ok(
    readFileSync(path.join(runA, 'eval', 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean).length >= 10,
  );
});

test('pfd eval: clear errors for a missing run, bad flags and missing Inception weights', async () => {
  const bad = async (args: string[], re: RegExp, code: number) => {
    const r = await quietly(() => main(['eval', ...args]));
    assert.equal(r.result, code, r.err);
    assert.match(r.err, re);
  };
  await bad([], /needs --run DIR/, 2);
  await bad(['--run', runA, '--n', '0'], /--n must be a positive integer/, 2);
  await bad(['--run', path.join(runA, 'nope')], /run '.*nope' not found/, 1);
  await bad(
    ['--run', runA, '--n', '4', '--inception-weights', '/nonexistent/pt_inception.safetensors'],
    /pt_inception\.safetensors: file not found/,
    1,
  );
});

test("pfd eval on data without an oracle: domain features from a classifier of the dataset's categories, no oracle metrics", async () => {
  const plain = await tinyWorld(); // no oracle-classifier.safetensors: evaluated like real data
  const dir = path.join(tmp('eval'), 'plain');
  await train(tinyConfig(plain, { iterations: 1 }), dir);
  const out = path.join(tmp('eval'), 'plain-report');
  const r = await quietly(() =>
    main([
      'eval',
      '--run',
      dir,
      '--n',
      '12',
      '--splits',
      '2',
      '--ssim-pairs',
      '10',
      '--fanout-queries',
      '1',
      '--fanout-users',
      '2',
      '--judge-iterations',
      '5',
      '--out',
      out,
    ]),
  );
  assert.equal(r.result, 0, r.err);
  const [m] = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8')) as {
    feature_nets: Record<string, string>;
    metrics: Record<string, { value: number }>;
  }[];
  assert.match(
    m!.feature_nets.domain!,
    /classifier of the dataset's categories \(top \/ bottom\) trained on its training items .*held-out accuracy \d+\.\d%/,
  );
  assert.ok('fid_domain' in m!.metrics && 'is_domain' in m!.metrics);
  assert.ok(m!.metrics.is_domain!.value >= 1 && m!.metrics.is_domain!.value <= 2, 'IS over 2 classes lies in [1, 2]');
  for (const k of ['oracle_category', 'oracle_compat', 'oracle_taste', 'oracle_personal'])
    assert.ok(!(k in m!.metrics), `${k} needs an oracle`);
});
