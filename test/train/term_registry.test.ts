// A loss term registered at run time (one file + one registerTerm() call) is a config key, a
// `pfd train` flag and a part of G's loss like a built-in one: it trains, logs and resumes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { registerTerm, unregisterTerm, lossTerms } from '../../src/train/terms/registry.js';
import { defineTerm } from '../../src/train/terms/term.js';
import { resolveConfig } from '../../src/train/config.js';
import { RunDir } from '../../src/run/run_dir.js';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';
import { quietly } from '../helpers.js';
import { TINY_MODEL, tinyWorld } from './fixtures.js';

/** The toy: the designs' mean squared value (pulls designs toward grey), with a weight of its own. */
const toyTerm = defineTerm({
  name: 'toy-grey',
  summary: 'designs toward grey (a test term)',
  settings: [{ key: 'toyGrey', flag: 'toy-grey', min: 0, max: 10, default: 0, help: 'weight of the toy term' }] as const,
  active: (o) => (o.toyGrey as number) > 0,
  validate: (c) => ((c.toyGrey as number) > 0 && c.task === 'bottom2top' ? 'the toy term designs bottoms only' : null),
  generator(ctx) {
    const grey = T.mean(T.square(T.toDtype(ctx.design, 'float32'))); // []
    return { parts: [{ loss: grey, weight: ctx.o.toyGrey as number }], logs: { L_G_toy: grey } };
  },
  finite: ['L_G_toy'],
});

let world = '',
  config = '';
before(async () => {
  world = await tinyWorld();
  config = path.join(tmp('terms'), 'tiny.json');
  writeFileSync(
    config,
    JSON.stringify({ model: TINY_MODEL, batchSize: 4, sampleQueries: 2, sampleUsers: 2, evalEvery: 0, checkpointEvery: 2 }),
  );
});
after(() => unregisterTerm('toy-grey'));

test("a term's settings are unknown until it is registered, then validated and recorded; a name or flag cannot be taken twice", async () => {
  const data = { data: { path: world } };
  assert.throws(() => resolveConfig('cpu', { ...data, toyGrey: 1 } as never), /unknown config key 'toyGrey'/);
  const refused = await quietly(() => main(['train', '--data', world, '--toy-grey', '1', '--out', path.join(tmp('terms'), 'no')]));
  assert.equal(refused.result, 2);
  assert.match(refused.err, /toy-grey/);
  registerTerm(toyTerm);
  assert.equal(lossTerms().at(-1), toyTerm);
  assert.throws(() => registerTerm(toyTerm), /a loss term named 'toy-grey' is registered already/);
  assert.throws(() => registerTerm({ ...toyTerm, name: 'other' }), /setting 'toyGrey' \(--toy-grey\) is taken/);
  assert.equal((resolveConfig('cpu', data) as unknown as Record<string, number>).toyGrey, 0, 'off by default');
  assert.throws(() => resolveConfig('cpu', { ...data, toyGrey: 11 } as never), /toyGrey must be in \[0, 10\], got 11/);
  assert.throws(() => resolveConfig('cpu', { ...data, toyGrey: 1, task: 'bottom2top' } as never), /the toy term designs bottoms only/);
  assert.throws(
    () => resolveConfig('cpu', { ...data, toyGrey: 1, method: 'pix2pix' } as never),
    /--toy-grey: options of the designer, not of the baseline 'pix2pix'/,
  );
  const help = await quietly(() => main(['train', '--help']));
  assert.match(help.out, /toy-grey: designs toward grey \(a test term\)/);
});

test('a registered term trains from its flag, logs its loss, adds exactly its weighted part to L_G, and resumes', async () => {
  const dir = path.join(tmp('terms'), 'run');
  const t = await quietly(() =>
    main(['train', '--data', world, '--config', config, '--out', dir, '--iterations', '2', '--task', 'top2bottom', '--toy-grey', '2']),
  );
  assert.equal(t.result, 0, t.err);
  const r = await quietly(() => main(['train', '--resume', dir, '--iterations', '3']));
  assert.equal(r.result, 0, r.err);
  const run = new RunDir(dir);
  assert.equal((run.readConfig() as unknown as Record<string, number>).toyGrey, 2, "the run's config records the setting");
  const lines = run.readMetrics().filter((m) => m.phase !== 'eval') as unknown as Record<string, number>[];
  assert.deepEqual(
    lines.map((m) => m.iteration),
    [1, 2, 3],
  );
  for (const m of lines) assert.ok(m.L_G_toy! > 0 && Number.isFinite(m.L_G_toy!), JSON.stringify(m));
  // The same first iteration without the term: L_G differs by exactly 2 x L_G_toy (the same seed, the same design).
  const base = path.join(tmp('terms'), 'base');
  assert.equal(
    (await quietly(() => main(['train', '--data', world, '--config', config, '--out', base, '--iterations', '1', '--task', 'top2bottom'])))
      .result,
    0,
  );
  const first = new RunDir(base).readMetrics().find((m) => m.phase !== 'eval') as unknown as Record<string, number>;
  assert.equal(first.L_G_toy, undefined);
  assert.equal(first.L_G_adv, lines[0]!.L_G_adv);
  assert.ok(
    Math.abs(lines[0]!.L_G! - (first.L_G! + 2 * lines[0]!.L_G_toy!)) < 1e-5,
    `${lines[0]!.L_G} = ${first.L_G} + 2 x ${lines[0]!.L_G_toy}`,
  );
});
