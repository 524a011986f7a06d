// Recipes as files: the shipped ones parse, validate and resolve; flags override them; the run's
// config records them; a schedule of stages switches at its iterations and resumes bit-exactly.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadRecipe, recipeNames, type Stage } from '../../src/train/recipes.js';
import { resolveConfig, type ConfigOverrides } from '../../src/train/config.js';
import { train } from '../../src/train/trainer.js';
import { RunDir } from '../../src/run/run_dir.js';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';
import { quietly } from '../helpers.js';
import { TINY_MODEL, tinyConfig, tinyWorld } from './fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorld();
});

const writeRecipe = (name: string, body: unknown) => {
  const file = path.join(tmp('recipes'), `${name}.json`);
  writeFileSync(file, JSON.stringify(body));
  return file;
};

test('the shipped recipes parse and resolve; paper is --preset paper, demo and photos build on long', () => {
  assert.deepEqual(recipeNames().slice().sort(), recipeNames());
  for (const name of ['paper', 'demo']) assert.ok(recipeNames().includes(name), name);
  const data = { data: { path: world } };
  for (const name of recipeNames()) {
    const r = loadRecipe(name);
    assert.match(r.sha256, /^[0-9a-f]{64}$/);
    resolveConfig(r.preset ?? 'cpu', r.settings as ConfigOverrides, data);
  }
  const paper = loadRecipe('paper');
  const fromRecipe = resolveConfig(paper.preset!, paper.settings as ConfigOverrides, data);
  assert.deepEqual(fromRecipe, resolveConfig('paper', data), 'recipes/paper is the paper preset exactly');
  const long = resolveConfig('cpu', loadRecipe('long').settings as ConfigOverrides, data);
  assert.deepEqual([long.swapNegatives, long.lambdaRec, long.modeSeeking], [0.5, 10, 0.3]);
  const demo = resolveConfig('cpu', loadRecipe('demo').settings as ConfigOverrides, data);
  assert.deepEqual(demo, long, 'the demo trains the long recipe (the best at its 14 minutes)');
  assert.deepEqual(
    [long.model.decoder.upsample, long.gAverage, long.lambdaRec],
    ['nearest', 0.995, 10],
    'the query options with the realism levers',
  );
  const photos = loadRecipe('photos');
  const fromPhotos = resolveConfig(photos.preset!, photos.settings as ConfigOverrides, data);
  assert.deepEqual(fromPhotos, { ...long, modeSeeking: 1 }, 'photos is long with mode seeking 1, the model included');
  assert.notEqual(photos.sha256, loadRecipe('long').sha256);
});

test("a recipe that extends another: the base's preset, settings and stages, its own on top (model key by key); bad bases refused", () => {
  const child = writeRecipe('child', {
    description: 'x',
    extends: 'long',
    settings: { lambdaRec: 3, model: { noiseDim: 4 } },
    stages: [{ from: 0, settings: { modeSeeking: 2 } }],
  });
  const r = loadRecipe(child);
  const long = loadRecipe('long');
  assert.equal(r.preset, long.preset);
  assert.equal((r.settings as { lambdaRec: number }).lambdaRec, 3);
  assert.equal((r.settings as { gAverage: number }).gAverage, 0.995, "the base's settings");
  const model = r.settings.model as { noiseDim: number; discriminator: { channels: number[] } };
  assert.deepEqual([model.noiseDim, model.discriminator.channels], [4, [24, 48, 96, 128]]);
  assert.deepEqual(r.stages, [{ from: 0, settings: { modeSeeking: 2 } }]);
  assert.throws(() => loadRecipe(writeRecipe('orphan', { description: 'x', extends: 'nope' })), /'extends' must name a shipped recipe/);
});

test('bad recipe files are refused by name: not JSON, unknown fields, stages that do not start at 0, do not increase or set what a stage cannot', () => {
  const bad = (body: unknown, message: RegExp) => assert.throws(() => loadRecipe(writeRecipe('bad', body)), message);
  assert.throws(() => loadRecipe('no-such-recipe'), /--recipe no-such-recipe: neither a file nor a shipped recipe \(demo, long, paper/);
  const notJson = path.join(tmp('recipes'), 'broken.json');
  writeFileSync(notJson, '{ "description": ');
  assert.throws(() => loadRecipe(notJson), /broken\.json: not valid JSON/);
  bad({ description: 'x', setings: {} }, /unknown field 'setings'/);
  bad({ settings: {} }, /'description' must say what the recipe is for/);
  bad({ description: 'x', stages: [{ from: 5, settings: {} }] }, /the first stage must start at iteration 0/);
  bad({ description: 'x', stages: [{ from: 0 }, { from: 0 }] }, /stages must start at increasing iterations \(stage 2 at 0\)/);
  bad({ description: 'x', stages: [{ from: 0, settings: { batchSize: 8 } }] }, /stage 1 sets 'batchSize', which a stage cannot change/);
  // A stage's values are validated as settings.
  const r = loadRecipe(writeRecipe('neg', { description: 'x', stages: [{ from: 0, settings: { lambdaRec: -1 } }] }));
  assert.throws(
    () => resolveConfig('cpu', { data: { path: world }, stages: r.stages }),
    /stage 1 \(from iteration 0\): lambdaRec must be a non-negative number, got -1/,
  );
});

test('pfd train --recipe: flags override the recipe, the config records its name and hash', async () => {
  const dir = path.join(tmp('recipes'), 'cli');
  const cfg = writeRecipe('tiny-config', { model: TINY_MODEL, batchSize: 4, sampleQueries: 2, sampleUsers: 2, evalEvery: 0 });
  const t = await quietly(() =>
    main(['train', '--recipe', 'demo', '--data', world, '--config', cfg, '--out', dir, '--iterations', '1', '--mode-seeking', '0.7']),
  );
  assert.equal(t.result, 0, t.err);
  const c = new RunDir(dir).readConfig();
  assert.deepEqual(c.recipe, { name: 'demo', sha256: loadRecipe('demo').sha256 });
  assert.equal(c.preset, 'cpu');
  assert.equal(c.lambdaRec, 10, 'from the recipe');
  assert.equal(c.modeSeeking, 0.7, 'the flag overrides the recipe');
  const help = await quietly(() => main(['train', '--help']));
  assert.match(help.out, /Recipes \(recipes\/\*\.json; flags override a recipe's settings\): demo, long, paper/);
});

test("a schedule of stages switches its settings at the stage's iteration and resumes mid-stage bit-exactly", async () => {
  const stages: Stage[] = [
    { from: 0, settings: { lambdaRec: 0, lrDecay: 1 } },
    { from: 2, settings: { lambdaRec: 5, lr: 1e-3 } },
  ];
  const config = (iterations: number) => tinyConfig(world, { iterations, stages, checkpointEvery: 1 });
  const dir = tmp('stages');
  const a = path.join(dir, 'straight'),
    b = path.join(dir, 'resumed');
  await train(config(5), a);
  await train(config(3), b);
  await train(config(5), b, { resume: true });
  const lines = (d: string) => new RunDir(d).readMetrics().filter((r) => r.phase !== 'eval') as unknown as Record<string, number>[];
  assert.deepEqual(
    lines(a).map((l) => l.stage),
    [0, 0, 1, 1, 1],
  );
  assert.deepEqual(
    lines(a).map((l) => l.L_G_rec === undefined),
    [true, true, false, false, false],
    'the L1 term starts with stage 2',
  );
  assert.deepEqual(lines(b), lines(a), 'a run resumed inside a stage continues bit-exactly');
});
