// Colour histories (--colour-history): each user's log-frequency of colour bins among their own
// complements, counted when training starts, carried by the snapshot, grown with added users,
// and added to the mode head's log-probabilities when designing.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { train } from '../../src/train/trainer.js';
import { openRun } from '../../src/run/trained_model.js';
import { addUsersToRun } from '../../src/users/add_users.js';
import { imageBins } from '../../src/train/colour_history.js';
import { binLogFrequencies, colourHistory, HISTORY_PRIOR_OUTFITS } from '../../src/models/colour_modes.js';
import { Designer, type Category } from '../../src/models/designer.js';
import { loadDataset, imageCacheDir } from '../../src/data/load.js';
import { loadSplitImages } from '../../src/data/cache.js';
import { evaluateRun, DEFAULT_EVAL } from '../../src/eval/evaluate.js';
import { tmp } from '../data/fixtures.js';
import { tinyConfig, tinyWorld, TINY_MODEL } from './fixtures.js';

let world = '';
let run = ''; // a tiny run with colour modes (2 levels: 8 bins) and a colour history
let plainRun = ''; // the same without a history
before(async () => {
  world = await tinyWorld();
  run = path.join(tmp('history'), 'run');
  await train(tinyConfig(world, { iterations: 1, modeColour: 5, model: { ...TINY_MODEL, colourModes: 2, colourHistory: 1.5 } }), run);
  plainRun = path.join(tmp('history'), 'plain');
  await train(tinyConfig(world, { iterations: 1, model: { ...TINY_MODEL, colourModes: 2 } }), plainRun);
});

const rows = (t: T.Tensor): number[][] => {
  const v = Array.from(t.toArray() as ArrayLike<number>, Number);
  return Array.from({ length: t.size(0) }, (_, i) => v.slice(i * t.size(1), (i + 1) * t.size(1)));
};

test("colourHistory: each user's frequencies, smoothed toward everyone's, less everyone's (the lift); unchosen bins negative; a user without outfits has lift 0; bad input is named", () => {
  const live = T.liveTensors();
  const userOf = [0, 0, 0, 1],
    binOf = [2, 2, 1, 0];
  // everyone: counts 1 + [1, 1, 2, 0] = [2, 2, 3, 1] of 8.
  const base = binLogFrequencies(binOf, 4);
  [2, 2, 3, 1].forEach((c, b) => assert.ok(Math.abs(base[b]! - Math.log(c / 8)) < 1e-12));
  const h = colourHistory(userOf, binOf, 3, 4, base);
  const [u0, u1, u2] = rows(h);
  // p(b | u) = (count + m p(b)) / (n + m), m = HISTORY_PRIOR_OUTFITS; user 0: counts [0, 1, 2, 0] of 3; user 1: [1, 0, 0, 0] of 1.
  const m = HISTORY_PRIOR_OUTFITS,
    p = base.map(Math.exp);
  [0, 1, 2, 0].forEach((c, b) => assert.ok(Math.abs(u0![b]! - (Math.log((c + m * p[b]!) / (3 + m)) - base[b]!)) < 1e-6));
  [1, 0, 0, 0].forEach((c, b) => assert.ok(Math.abs(u1![b]! - (Math.log((c + m * p[b]!) / (1 + m)) - base[b]!)) < 1e-6));
  assert.ok(u0![2]! > 0 && u0![0]! < 0 && u1![0]! > 0, 'a bin chosen more often than by everyone: positive; never chosen: negative');
  assert.ok(
    Math.abs(u1![3]! - Math.log(m / (1 + m))) < 1e-6 && u1![3]! < 0,
    'a bin nobody else chose either is no better than any unchosen bin',
  );
  assert.deepEqual(u2, [0, 0, 0, 0]);
  h.dispose();
  // Many outfits, a rare bin the user never chose: its lift is below the user's favourite's.
  const many = colourHistory(
    [...new Array(5000).fill(1), ...new Array(50).fill(0)],
    [...Array.from({ length: 5000 }, (_, i) => (i < 4990 ? i % 3 : 3)), ...new Array(50).fill(0)],
    2,
    4,
    binLogFrequencies([...Array.from({ length: 5000 }, (_, i) => (i < 4990 ? i % 3 : 3)), ...new Array(50).fill(0)], 4),
  );
  const [fan] = rows(many);
  assert.ok(fan![0]! > 0 && fan![3]! < 0 && fan![0]! > fan![3]!, `favourite bin ${fan![0]} above a rare unchosen one ${fan![3]}`);
  many.dispose();
  assert.throws(() => colourHistory([0], [4], 1, 4, base), /outfit 0 has user 0 \(of 1\) and bin 4 \(of 4\)/);
  assert.throws(() => colourHistory([0, 1], [0], 2, 4, base), /2 users for 1 bins/);
  assert.throws(() => colourHistory([0], [0], 1, 8, base), /4 base frequencies for 8 bins/);
  assert.throws(() => binLogFrequencies([9], 4), /bin 9 is not in \[0, 4\)/);
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
});

test("training counts each user's colour history from the training split into the snapshot, and designing adds it to the head", async () => {
  const trained = openRun(run);
  const model = trained.model as Designer;
  try {
    assert.equal(model.colourHistoryWeight, 1.5);
    const d = loadDataset(trained.config.data);
    const split = await loadSplitImages(d, 'train', 64, imageCacheDir(trained.config.data), {});
    for (const c of ['top', 'bottom'] as Category[]) {
      const bins = imageBins(c === 'top' ? split.tops : split.bottoms, 2);
      const row = c === 'top' ? split.topRow : split.bottomRow;
      const binOf = split.outfits.map((o) => bins[row.get(c === 'top' ? o.top : o.bottom)!]!);
      const want = colourHistory(
        split.outfits.map((o) => o.user),
        binOf,
        d.users.length,
        8,
        binLogFrequencies(binOf, 8),
      );
      assert.ok(T.allclose(model.colourHistories.get(c)!, want, 1e-6, 1e-6), `${c}: the snapshot holds the training split's counts`);
      want.dispose();
    }
    split.dispose();
    // The design is drawn in argmax(log_softmax(head) + weight x history[u]); a huge weight: the user's commonest bin.
    const live = T.liveTensors();
    T.tidy(() => {
      const q = T.sub(T.mul(T.rand([4, 3, 64, 64]), 2), 1),
        users = T.tensor([0, 1, 2, 3], { dtype: 'int64' });
      const G = model.generator('bottom');
      const expect = (w: number) =>
        T.noGrad(() =>
          model.autocast(() => {
            model.eval();
            const h = model.generatorInput(model.encoder.forward(model.images(q)), users);
            const logits = G.forwardWithPrior(h).logits;
            const modes = T.argmax(
              T.add(T.logSoftmax(logits, 1), T.mul(T.indexSelect(model.colourHistories.get('bottom')!, 0, users), w)),
              1,
            );
            return { image: T.toDtype(G.forward(h, modes), 'float32'), modes };
          }),
        );
      assert.ok(T.allclose(model.design(q, users, 'bottom'), expect(1.5).image, 1e-4, 1e-5), 'weight 1.5');
      model.colourHistoryWeight = 1e6;
      // Each row's bin is one of the user's highest-lift bins (ties broken by the head).
      const lift = rows(T.indexSelect(model.colourHistories.get('bottom')!, 0, users));
      const isTop = (m: number[]) => m.every((b, i) => lift[i]![b] === Math.max(...lift[i]!));
      assert.ok(isTop(expect(1e6).modes.toArray() as number[]), 'a huge weight: a highest-lift bin per user');
      assert.ok(!isTop(expect(0).modes.toArray() as number[]), 'the head alone chooses otherwise (else this test proves nothing)');
      assert.ok(
        T.allclose(model.design(q, users, 'bottom'), expect(1e6).image, 1e-4, 1e-5),
        'a huge weight: the design is drawn in that bin',
      );
      model.colourHistoryWeight = 0;
      assert.ok(
        T.allclose(
          model.design(q, users, 'bottom'),
          T.noGrad(() =>
            model.autocast(() =>
              T.toDtype(G.forwardWithPrior(model.generatorInput(model.encoder.forward(model.images(q)), users)).image, 'float32'),
            ),
          ),
          1e-4,
          1e-5,
        ),
        'weight 0: the head alone',
      );
    });
    assert.equal(T.liveTensors(), live, 'no tensor leaked');
  } finally {
    trained.dispose();
  }
});

test('added users get colour histories from their own outfits; a model without a history refuses one by name', async () => {
  const d = loadDataset({ path: world, format: 'manifest', skipBad: false });
  const own = d.outfits.filter((o) => o.user === 2 && o.split === 'train').slice(0, 4);
  await addUsersToRun(
    run,
    own.map((o) => ({ user: 'copycat', top: d.tops[o.top]!.path, bottom: d.bottoms[o.bottom]!.path })),
    { source: 'test', steps: 5 },
  );
  const trained = openRun(run);
  const model = trained.model as Designer;
  try {
    const i = trained.userIndex('copycat');
    assert.equal(i, d.users.length);
    for (const c of ['top', 'bottom'] as Category[]) {
      const images = await loadSplitImages(d, 'train', 64, imageCacheDir(trained.config.data), {});
      const row = c === 'top' ? images.topRow : images.bottomRow;
      const bins = imageBins(c === 'top' ? images.tops : images.bottoms, 2);
      const base = binLogFrequencies(
        images.outfits.map((o) => bins[row.get(c === 'top' ? o.top : o.bottom)!]!),
        8,
      );
      const want = colourHistory(
        own.map(() => 0),
        own.map((o) => bins[row.get(c === 'top' ? o.top : o.bottom)!]!),
        1,
        8,
        base,
      );
      const got = T.narrow(model.colourHistories.get(c)!, 0, i, 1);
      assert.ok(T.allclose(got, want, 1e-5, 1e-6), `${c}: the new user's row is the lift of their outfits against the training split`);
      T.dispose([want, got]);
      images.dispose();
    }
    // Without a history for the new rows (a server-created user): lift 0, the head alone.
    const n = model.userCount;
    T.tidy(() => model.appendUsers(T.zeros([1, model.latent])));
    const last = T.narrow(model.colourHistories.get('top')!, 0, n, 1);
    assert.deepEqual(rows(last)[0], new Array(8).fill(0));
    last.dispose();
    T.tidy(() =>
      assert.throws(
        () => model.appendUsers(T.zeros([1, model.latent]), new Map([['top', T.zeros([2, 8])]])),
        /expected top colour histories \[1, 8\], got \[2, 8\]/,
      ),
    );
  } finally {
    trained.dispose();
  }
  // A snapshot with histories warm-starts a run without them (histories are data, not weights).
  await train(
    tinyConfig(world, { iterations: 1, initFrom: run, model: { ...TINY_MODEL, colourModes: 2 } }),
    path.join(tmp('history'), 'warm'),
  );
  await assert.rejects(
    () => evaluateRun(plainRun, { ...DEFAULT_EVAL, n: 4, colourHistory: 1 }),
    /--colour-history: .*plain keeps no colour history \(train it with --colour-modes L --colour-history A\)/,
  );
  const bare = new Designer({ ...TINY_MODEL, users: 2, userCond: 'vector', targets: ['top'], colourModes: 2 });
  bare.colourHistoryWeight = 1;
  assert.throws(
    () => bare.design(T.zeros([1, 3, 64, 64]), T.tensor([0], { dtype: 'int64' }), 'top'),
    /this model has no colour history for tops \(train it with --colour-history\)/,
  );
  bare.dispose();
  assert.throws(
    () => new Designer({ ...TINY_MODEL, users: 2, userCond: 'vector', targets: ['top'], colourHistory: 1 }),
    /a colour history needs colour modes/,
  );
});

test("pfd design --colour-history A: the run's own weight designs what the run designs; a run without a history and a bad weight are refused by name", async () => {
  const { designCommand } = await import('../../src/cli/design.js');
  const { readFileSync } = await import('node:fs');
  const top = path.parse(loadDataset({ path: world, format: 'manifest', skipBad: false }).tops[0]!.id).name;
  const dir = tmp('history-design');
  const out = (name: string) => path.join(dir, `${name}.png`);
  await designCommand(['--run', run, '--query', top, '--users', 'all', '--out', out('own')]);
  await designCommand(['--run', run, '--query', top, '--users', 'all', '--colour-history', '1.5', '--out', out('same')]);
  await designCommand(['--run', run, '--query', top, '--users', 'all', '--colour-history', '0', '--out', out('head')]);
  assert.ok(readFileSync(out('head')).length > 0);
  assert.deepEqual(readFileSync(out('same')), readFileSync(out('own')), "the run's own weight (1.5) designs what the run designs");
  // (What the weight does to the designs is tested above, on the model: this run's G has trained
  // for one iteration, too little for its colour modes to change its images.)
  await assert.rejects(
    () => designCommand(['--run', plainRun, '--query', top, '--user', 'u0000', '--colour-history', '1']),
    /--colour-history: .*plain keeps no colour history/,
  );
  await designCommand(['--run', plainRun, '--query', top, '--user', 'u0000', '--colour-history', '0', '--out', out('plain')]); // nothing to change
  await assert.rejects(
    () => designCommand(['--run', run, '--query', top, '--user', 'u0000', '--colour-history', 'much']),
    /--colour-history must be a number >= 0, got 'much'/,
  );
});
