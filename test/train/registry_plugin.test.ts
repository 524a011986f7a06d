// A model registered at run time (one file + one registerModel() call) is taken
// by `pfd train --model`, run folders, resume and `pfd design` like a built-in one.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';
import { BaselineModel } from '../../src/models/baselines/baseline_model.js';
import type { Category } from '../../src/models/designer.js';
import { registerModel, targetsOf } from '../../src/train/models.js';
import { modelNames } from '../../src/models/model_names.js';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';
import { quietly } from '../helpers.js';
import { TINY_MODEL, tinyWorld } from './fixtures.js';

/** The smallest translator: one 3x3 convolution per designed category, tanh. */
class ToyModel extends BaselineModel {
  readonly convs = new Map<Category, nn.Conv2d>();
  constructor(targets: Category[]) {
    super({ targets, users: 0 });
    for (const c of targets) this.convs.set(c, this.registerModule(`conv_${c}`, new nn.Conv2d(3, 3, 3, { padding: 1 })));
  }
  translate(target: Category, queries: T.Tensor): T.Tensor {
    this.checkTarget(target);
    return T.tanh(this.convs.get(target)!.forward(queries));
  }
}

let world = '',
  config = '';
before(async () => {
  world = await tinyWorld();
  config = path.join(tmp('plugin'), 'tiny.json');
  writeFileSync(
    config,
    JSON.stringify({ model: TINY_MODEL, batchSize: 4, sampleQueries: 2, sampleUsers: 2, evalEvery: 0, checkpointEvery: 2 }),
  );
  registerModel('toy-conv', 'Toy: one convolution', {
    build: (c) => {
      T.manualSeed(c.seed);
      return new ToyModel(targetsOf(c.task));
    },
    optimizers: (m: ToyModel, c) => ({ named: [['toy', new nn.Adam(m.parameters(), { lr: c.lr })]] }),
    step: (m: ToyModel, opt, batches) => {
      const o = opt.named[0][1] as nn.Optimizer;
      o.zeroGrad();
      const loss = T.mean(
        T.stack(
          batches.map((b) => T.l1Loss(m.translate(b.target, m.images(b.query)), b.positive)),
          0,
        ),
      );
      loss.backward();
      o.step();
      return { phase: 'toy', losses: { L_toy: loss.item() } };
    },
    lossProblem: (l) => (Number.isFinite(l.L_toy) ? null : `L_toy = ${l.L_toy}`),
  });
});

test('a model registered at run time trains, resumes and designs through pfd', async () => {
  assert.ok(modelNames().includes('toy-conv'));
  assert.throws(() => registerModel('toy-conv', 'again', {} as never), /already registered/);
  const dir = path.join(tmp('plugin'), 'run');
  const t = await quietly(() =>
    main(['train', '--data', world, '--config', config, '--model', 'toy-conv', '--iterations', '2', '--out', dir]),
  );
  assert.equal(t.result, 0, t.err);
  const r = await quietly(() => main(['train', '--resume', dir, '--iterations', '3']));
  assert.equal(r.result, 0, r.err);
  const metrics = readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { iteration: number; phase: string; L_toy: number });
  assert.deepEqual(
    metrics.map((m) => [m.iteration, m.phase]),
    [
      [1, 'toy'],
      [2, 'toy'],
      [3, 'toy'],
    ],
  );
  const first = JSON.parse(readFileSync(path.join(world, 'manifest.jsonl'), 'utf8').split('\n')[0]!) as { user: string; top: string };
  const png = path.join(tmp('plugin'), 'design.png');
  const d = await quietly(() => main(['design', '--run', dir, '--query', path.parse(first.top).name, '--user', first.user, '--out', png]));
  assert.equal(d.result, 0, d.err);
  assert.ok(existsSync(png));
});
