// The model registry: every registered name builds, designs and trains through
// the same trainer, run folder, resume and evaluation; ablations are the
// designer with their switch; pix2pix's step moves only its own category's nets.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { MODEL_NAMES } from '../../src/models/model_names.js';
import { Pix2pix } from '../../src/models/baselines/pix2pix.js';
import { Designer } from '../../src/models/designer.js';
import type { FashionModel } from '../../src/models/fashion_model.js';
import { modelDefinition } from '../../src/train/models.js';
import { resolveConfig } from '../../src/train/config.js';
import { train } from '../../src/train/trainer.js';
import { openRun } from '../../src/run/trained_model.js';
import { RunDir } from '../../src/run/run_dir.js';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';
import { quietly } from '../helpers.js';
import { tinyConfig, tinyWorldWithOracle } from './fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorldWithOracle();
});

test('every registered model builds from a config and designs 64x64 images in [-1, 1] for both categories', () => {
  for (const name of MODEL_NAMES) {
    const config = tinyConfig(world, { method: name });
    const model = modelDefinition(name).build(config, 4);
    T.tidy(() => {
      for (const target of ['bottom', 'top'] as const) {
        const d = model.design(T.zeros([2, 3, 64, 64]), T.tensor([0, 3], { dtype: 'int64' }), target);
        assert.deepEqual(d.shape, [2, 3, 64, 64], `${name} ${target}`);
        assert.ok(T.max(T.abs(d)).item() <= 1, `${name}: tanh range`);
      }
    });
    model.dispose();
  }
});

test('ablations are the designer with their switch; a contradicting flag or a designer option on a baseline is a clear error; so is an unknown model', () => {
  assert.equal(resolveConfig('cpu', { method: 'designer-label' }).userCond, 'label');
  assert.equal(resolveConfig('cpu', { method: 'designer-no-theta' }).userCond, 'none');
  assert.equal(resolveConfig('cpu', { method: 'designer-no-gfm' }).genCompatLoss, false);
  assert.throws(
    () => resolveConfig('cpu', { method: 'designer-label' }, { userCond: 'vector' }),
    /model 'designer-label' is the designer with userCond = "label"/,
  );
  assert.throws(
    () => resolveConfig('cpu', { method: 'pix2pix', modeSeeking: 1 }),
    /options of the designer, not of the baseline 'pix2pix'/,
  );
  for (const o of [{ lambdaTv: 5 }, { modeSeeking: 4 }])
    assert.throws(
      () => resolveConfig('cpu', { method: 'pix2pix', ...o }),
      /options of the designer, not of the baseline 'pix2pix'/,
      JSON.stringify(o),
    );
  assert.equal(resolveConfig('cpu').method, 'designer');
  assert.throws(() => resolveConfig('cpu', { method: 'gan9000' as never }), /unknown model 'gan9000' \(expected one of designer, /);
});

test('pix2pix trains, checkpoints and resumes exactly like an uninterrupted run, and pfd eval/design work on it', async () => {
  const dir = tmp('pix2pix');
  const a = path.join(dir, 'straight'),
    b = path.join(dir, 'resumed');
  await train(tinyConfig(world, { method: 'pix2pix', iterations: 4 }), a);
  await train(tinyConfig(world, { method: 'pix2pix', iterations: 2 }), b);
  await train(tinyConfig(world, { method: 'pix2pix', iterations: 4 }), b, { resume: true });
  const losses = (d: string) =>
    new RunDir(d)
      .readMetrics()
      .filter((r) => r.phase === 'pix2pix')
      .map(({ iteration, L_D, L_G, L_L1 }) => ({ iteration, L_D, L_G, L_L1 }));
  assert.equal(losses(a).length, 4);
  assert.deepEqual(losses(b), losses(a), 'resume continues bit-exactly');
  for (const r of losses(a)) assert.ok(Number.isFinite(r.L_L1) && (r.L_L1 as number) > 0);
  const trained = openRun(a);
  assert.ok(trained.model instanceof Pix2pix);
  trained.dispose();
  const e = await quietly(() =>
    main(['eval', '--run', a, '--n', '12', '--splits', '2', '--ssim-pairs', '20', '--fanout-queries', '2', '--fanout-users', '2']),
  );
  assert.equal(e.result, 0, e.err);
  const m = JSON.parse(readFileSync(path.join(a, 'eval', 'metrics.json'), 'utf8'));
  const run = (Array.isArray(m) ? m : [m])[0];
  assert.equal(run.model, 'pix2pix');
  assert.ok(!('compat_auc' in run.metrics), 'no compatibility discriminator, no AUC');
  assert.ok('oracle_compat' in run.metrics);
  const r = await quietly(() => main(['retrieve', '--run', a, '--query', 't000000', '--user', 'u0000']));
  assert.equal(r.result, 1, r.err);
  assert.match(r.err, /design-and-retrieve needs the paper's designer/);
});

// Which parameters a baseline's iteration on one top->bottom batch may move (and must move some of each).
const MOVES: Record<string, string[]> = {
  pix2pix: ['gen_bottom.', 'disc_bottom.'],
  pldt: ['conv_bottom.', 'disc_bottom.', 'domain_bottom.'],
  discogan: ['gen_bottom.', 'gen_top.', 'disc_bottom.', 'disc_top.'], // both directions: reconstruction needs both
  mrcgan: ['embed.', 'proj_bottom.'], // its first phase: the projection embedding alone (the GAN phase: test/models/mrcgan.test.ts)
};

for (const [name, prefixes] of Object.entries(MOVES)) {
  test(`${name} step: moves its own nets only (each of them), leaves no live tensors`, () => {
    const config = tinyConfig(world, { method: name as never, task: 'top2bottom' });
    const def = modelDefinition(name as never);
    const model: FashionModel = def.build(config, 4);
    const opt = def.optimizers(model, config);
    const img = () => T.keep(T.sub(T.mul(T.rand([4, 3, 64, 64]), 2), 1));
    const b = {
      target: 'bottom' as const,
      users: T.keep(T.tensor([0, 1, 2, 3], { dtype: 'int64' })),
      query: img(),
      positive: img(),
      negQuery: img(),
      negComplement: img(),
    };
    const before = new Map<string, T.Tensor>(model.namedParameters().map(([n, p]) => [n, T.keep(p.clone())]));
    const r = T.tidy(() => def.step(model, opt, [b], config, 0));
    for (const [k, v] of Object.entries(r.losses)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
    assert.equal(def.lossProblem(r.losses, config), null);
    const moved = new Set<string>();
    T.tidy(() => {
      for (const [n, p] of model.namedParameters()) if (!T.equal(p, before.get(n)!)) moved.add(n);
    });
    assert.ok(
      [...moved].every((n) => prefixes.some((x) => n.startsWith(x))),
      `unexpected: ${[...moved].filter((n) => !prefixes.some((x) => n.startsWith(x))).join(', ')}`,
    );
    for (const x of prefixes)
      assert.ok(
        [...moved].some((n) => n.startsWith(x)),
        `${x} did not move`,
      );
    T.tidy(() => def.step(model, opt, [b], config, 1));
    const live = T.liveTensors();
    T.tidy(() => def.step(model, opt, [b], config, 2));
    assert.equal(T.liveTensors(), live);
    assert.ok(!(model instanceof Designer));
    assert.match(String(def.lossProblem({ ...r.losses, [Object.keys(r.losses)[0]!]: NaN }, config)), /= NaN/);
    T.dispose([...before.values(), ...Object.values(b).filter((x): x is T.Tensor => x instanceof T.Tensor)]);
    for (const [, o] of opt.named) o.dispose();
    model.dispose();
  });
}
