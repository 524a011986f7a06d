// New users without retraining: the fold-in learns theta_u with everything
// else frozen, deterministically and without leaks; added users are filed
// beside the snapshot, loaded with it, and never change the trained model;
// held-out training and `pfd users table` run end to end.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';
import { Designer } from '../../src/models/designer.js';
import { foldInUsers, DEFAULT_FOLD_IN, type CodedOutfit } from '../../src/users/fold_in.js';
import { train } from '../../src/train/trainer.js';
import { openRun } from '../../src/run/trained_model.js';
import { addUsersToRun } from '../../src/users/add_users.js';
import { addedUsersDir } from '../../src/users/added_users.js';
import { loadDataset } from '../../src/data/load.js';
import { withoutUsers, forModelUsers } from '../../src/data/user_subsets.js';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';
import { quietly } from '../helpers.js';
import { TINY_MODEL, tinyConfig, tinyWorldWithOracle } from './fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorldWithOracle();
});

/** A random model and random codes; the new user likes outfits that a hidden theta scores high. */
function foldInCase(seed: number) {
  T.manualSeed(seed);
  const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'] });
  model.eval();
  const tops = T.keep(T.randn([30, 8])),
    bottoms = T.keep(T.randn([30, 8]));
  const hidden = T.keep(T.randn([1, 8]));
  const all = Array.from({ length: 900 }, (_, i) => i);
  const s = T.tidy(() =>
    T.noGrad(() =>
      model.metric.forward(
        T.mul(
          T.mul(
            T.expand(hidden, [900, 8]),
            T.indexSelect(
              tops,
              0,
              T.tensor(
                all.map((i) => Math.floor(i / 30)),
                { dtype: 'int64' },
              ),
            ),
          ),
          T.indexSelect(
            bottoms,
            0,
            T.tensor(
              all.map((i) => i % 30),
              { dtype: 'int64' },
            ),
          ),
        ),
      ),
    ).toArray(),
  );
  const order = s
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([, i]) => i);
  const pair = (i: number): CodedOutfit => ({ top: Math.floor(i / 30), bottom: i % 30 });
  const liked = order.slice(0, 12).map(pair),
    disliked = order.slice(-200).map(pair);
  return {
    model,
    tops,
    bottoms,
    hidden,
    liked,
    disliked,
    score: (theta: T.Tensor, os: CodedOutfit[]) =>
      T.tidy(() =>
        T.noGrad(() =>
          model.metric
            .forward(
              T.mul(
                T.mul(
                  T.expand(theta, [os.length, 8]),
                  T.indexSelect(
                    tops,
                    0,
                    T.tensor(
                      os.map((o) => o.top),
                      { dtype: 'int64' },
                    ),
                  ),
                ),
                T.indexSelect(
                  bottoms,
                  0,
                  T.tensor(
                    os.map((o) => o.bottom),
                    { dtype: 'int64' },
                  ),
                ),
              ),
            )
            .toArray(),
        ),
      ),
  };
}

test("fold-in: learns a theta_u that ranks the new user's outfits first, touches no model parameter, is deterministic and leak-free", () => {
  const c = foldInCase(3);
  const before = new Map([...c.model.stateDict()].map(([k, t]) => [k, t.clone()]));
  const others = c.disliked.slice(0, 50);
  const live = T.liveTensors();
  const a = foldInUsers(c.model, { tops: c.tops, bottoms: c.bottoms, users: [c.liked], others }, { ...DEFAULT_FOLD_IN, steps: 150 });
  assert.equal(T.liveTensors(), live + 1, 'only the returned theta stays');
  const b = foldInUsers(c.model, { tops: c.tops, bottoms: c.bottoms, users: [c.liked], others }, { ...DEFAULT_FOLD_IN, steps: 150 });
  assert.deepEqual(a.theta.toArray(), b.theta.toArray(), 'deterministic from its seed');
  assert.deepEqual(a.theta.shape, [1, 8]);
  assert.ok(a.loss[a.loss.length - 1]! < a.loss[0]! * 0.7, `the BPR loss falls (${a.loss[0]} -> ${a.loss[a.loss.length - 1]})`);
  // Held-out outfits of the same taste: the next best ones, against the worst ones.
  const order = (th: T.Tensor, good: CodedOutfit[], bad: CodedOutfit[]) => {
    const g = c.score(th, good),
      w = c.score(th, bad);
    let wins = 0;
    for (const x of g) for (const y of w) wins += x > y ? 1 : 0;
    return wins / (g.length * w.length);
  };
  const prior = T.tidy(() => T.keep(T.mean(c.model.userVectors!.weight, [0], true)));
  const aucLearned = order(a.theta, c.liked, c.disliked.slice(100)),
    aucPrior = order(prior, c.liked, c.disliked.slice(100));
  assert.ok(
    aucLearned > 0.9 && aucLearned > aucPrior,
    `the learned theta ranks the user's outfits first (AUC ${aucLearned.toFixed(3)}, prior ${aucPrior.toFixed(3)})`,
  );
  for (const [k, t] of c.model.stateDict())
    assert.ok(
      T.tidy(() => T.equal(t, before.get(k)!)),
      `${k} unchanged`,
    );
  for (const p of c.model.parameters()) assert.ok(p.requiresGrad, 'requires_grad restored');
  T.dispose([a.theta, b.theta, prior, c.tops, c.bottoms, c.hidden, ...before.values()]);
  c.model.dispose();
});

test('fold-in: clear errors for a model without theta_u and for a user without outfits', () => {
  const m = new Designer({ ...TINY_MODEL, users: 3, userCond: 'label', targets: ['bottom'] });
  const z = T.keep(T.zeros([2, 8]));
  assert.throws(
    () => foldInUsers(m, { tops: z, bottoms: z, users: [[{ top: 0, bottom: 0 }]], others: [{ top: 1, bottom: 1 }] }),
    /user conditioning 'label' cannot take new users/,
  );
  const v = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'] });
  assert.throws(() => foldInUsers(v, { tops: z, bottoms: z, users: [[]], others: [{ top: 1, bottom: 1 }] }), /new user #1 has no outfits/);
  z.dispose();
  m.dispose();
  v.dispose();
});

test('held-out users: the dataset without them, and a model-indexed view with only their test outfits', () => {
  const d = loadDataset({ path: world, format: 'manifest', skipBad: false });
  const held = withoutUsers(d, ['u0003']);
  assert.deepEqual(held.users, ['u0000', 'u0001', 'u0002']);
  assert.ok(held.outfits.every((o) => o.user < 3) && held.outfits.length === d.outfits.filter((o) => d.users[o.user] !== 'u0003').length);
  assert.throws(() => withoutUsers(d, ['nobody']), /unknown user 'nobody'/);
  const view = forModelUsers(d, [...held.users, 'u0003'], ['u0003']);
  assert.ok(view.outfits.filter((o) => o.split === 'test').every((o) => view.users[o.user] === 'u0003'));
  assert.throws(() => forModelUsers(d, held.users, ['u0003']), /not known to the model/);
});

test('pfd users add/list/table: added users beside the snapshot, the trained model unchanged, Table 3 written', async () => {
  const dir = tmp('newusers');
  const held = path.join(dir, 'held'),
    joint = path.join(dir, 'joint');
  await train(tinyConfig(world, { iterations: 2, data: { excludeUsers: ['u0003'] } }), held);
  await train(tinyConfig(world, { iterations: 2 }), joint);
  const snapshot = readFileSync(path.join(held, 'model.safetensors'));
  // A new id with the outfits of a known user, from a JSONL file of image paths.
  const d = loadDataset({ path: world, format: 'manifest', skipBad: false });
  const lines = d.outfits
    .filter((o) => o.user === 1 && o.split === 'train')
    .slice(0, 3)
    .map((o) =>
      JSON.stringify({
        user: 'newbie',
        top: path.relative(dir, d.tops[o.top]!.path),
        bottom: path.relative(dir, d.bottoms[o.bottom]!.path),
      }),
    );
  writeFileSync(path.join(dir, 'newbie.jsonl'), lines.join('\n') + '\n');
  const add = await quietly(() => main(['users', 'add', '--run', held, '--outfits', path.join(dir, 'newbie.jsonl'), '--steps', '20']));
  assert.equal(add.result, 0, add.err);
  assert.match(add.out, /added 1 user .*newbie \(3 outfits\)/);
  assert.deepEqual(readFileSync(path.join(held, 'model.safetensors')), snapshot, 'the serving snapshot is never rewritten');
  const dup = await quietly(() => main(['users', 'add', '--run', held, '--outfits', path.join(dir, 'newbie.jsonl')]));
  assert.equal(dup.result, 1);
  assert.match(dup.err, /user 'newbie' is already in held \(added before\)/);
  const bad = await quietly(() => main(['users', 'add', '--run', held, '--data', world, '--users', 'nobody']));
  assert.equal(bad.result, 2);
  assert.match(bad.err, /'nobody' has no outfits/);

  const trained = openRun(held);
  assert.deepEqual(trained.users, ['u0000', 'u0001', 'u0002', 'newbie']);
  assert.equal(trained.trainedUsers, 3);
  const plain = new Designer({ ...(trained.model as Designer).config });
  nn.loadModule(plain, path.join(held, 'model.safetensors'));
  assert.ok(
    T.tidy(() => T.equal(T.narrow((trained.model as Designer).userVectors!.weight, 0, 0, 3), plain.userVectors!.weight)),
    'trained users bit for bit',
  );
  const x = T.tidy(() => T.keep(trained.model.design(T.zeros([1, 3, 64, 64]), T.tensor([3], { dtype: 'int64' }), 'bottom')));
  assert.deepEqual(x.shape, [1, 3, 64, 64]);
  T.dispose([x]);
  plain.dispose();
  trained.dispose();

  const list = await quietly(() => main(['users', 'list', '--run', held]));
  assert.match(list.out, /3 trained users[\s\S]*added-0001\.safetensors.*newbie/);
  const table = await quietly(() =>
    main(['users', 'table', '--joint', joint, '--heldout', held, '--users', 'u0003', '--n', '8', '--max-outfits', '4']),
  );
  assert.equal(table.result, 0, table.err);
  assert.match(table.out, /\| Taste \(oracle\) \|/);
  assert.ok(existsSync(path.join(held, 'eval', 'table3.md')) && existsSync(path.join(held, 'eval', 'table3.json')));
  assert.deepEqual(
    readdirSync(addedUsersDir({ dir: held } as never, 2)).sort(),
    ['added-0001.safetensors', 'added-0002.safetensors'],
    'the table folded u0003 in as the next version',
  );
  const wrong = await quietly(() => main(['users', 'table', '--joint', held, '--heldout', joint, '--users', 'u0003']));
  assert.equal(wrong.result, 2);
  assert.match(wrong.err, /was not trained with user 'u0003'/);
});

test('added users come from addUsersToRun too, and a deleted run is a clear error', async () => {
  await assert.rejects(
    () => addUsersToRun(path.join(tmp('none'), 'nope'), [{ user: 'a', top: 'x.png', bottom: 'y.png' }], { source: 'test' }),
    /run '.*nope' not found/,
  );
});
