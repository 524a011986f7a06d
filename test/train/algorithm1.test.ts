// Algorithm 1: each step moves exactly its own parameter set, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import type * as nn from '../../src/nn/index.js';
import { Designer, type UserCond } from '../../src/models/designer.js';
import { algorithm1Step, compatStep } from '../../src/train/algorithm1.js';
import type { ImageBatch } from '../../src/train/batches.js';
import { makeOptimizers } from '../../src/train/optimizers.js';
import { DEFAULT_STEP } from '../../src/train/config.js';
import { TINY_MODEL } from './fixtures.js';
import { totalVariation } from '../../src/models/total_variation.js';

function batch(B: number, users: number): ImageBatch {
  const img = () => T.keep(T.sub(T.mul(T.rand([B, 3, 64, 64]), 2), 1));
  return {
    target: 'bottom',
    users: T.keep(
      T.tensor(
        Array.from({ length: B }, (_, i) => i % users),
        { dtype: 'int64' },
      ),
    ),
    query: img(),
    positive: img(),
    negQuery: img(),
    negComplement: img(),
  };
}

const snapshot = (m: Designer) => new Map(m.namedParameters().map(([n, p]) => [n, T.keep(p.clone())]));
function changed(m: Designer, before: Map<string, T.Tensor>): Set<string> {
  const out = new Set<string>();
  T.tidy(() => {
    for (const [n, p] of m.namedParameters()) if (!T.equal(p, before.get(n)!)) out.add(n);
  });
  return out;
}

/** Every moved parameter is in `own`, and every one of `own` moved except those in `mayStay`. */
function movesOnly(moved: Set<string>, own: Set<string>, mayStay: string[]): void {
  for (const n of moved) assert.ok(own.has(n), `${n} moved but belongs to another step`);
  for (const n of own) assert.ok(moved.has(n) || mayStay.includes(n), `${n} did not move`);
}

for (const userCond of ['vector', 'label', 'none'] as UserCond[]) {
  test(`Algorithm 1 (${userCond}): (a) moves exactly F, M, theta_u; (b) exactly D; (c) exactly G; the other direction never`, () => {
    T.manualSeed(3);
    const model = new Designer({ ...TINY_MODEL, users: 3, userCond, targets: ['bottom', 'top'] });
    const opt = makeOptimizers(model, { lr: 1e-3, betas: [0.5, 0.999] });
    const names = (prefixes: string[]) =>
      new Set(
        model
          .namedParameters()
          .map(([n]) => n)
          .filter((n) => prefixes.some((p) => n.startsWith(p))),
      );
    const steps: Set<string>[] = [];
    // Spy on each optimizer's step(): which parameters did it move?
    const spy = (o: nn.Optimizer) => {
      const real = o.step.bind(o);
      o.step = () => {
        const before = snapshot(model);
        real();
        steps.push(changed(model, before));
        T.dispose([...before.values()]);
      };
    };
    spy(opt.compat);
    for (const o of [...opt.disc.values(), ...opt.gen.values()]) spy(o);
    const b = batch(4, 3);
    const before = snapshot(model);
    const liveBefore = T.liveTensors();
    const losses = algorithm1Step(model, opt, b, DEFAULT_STEP);
    assert.equal(steps.length, 1 + DEFAULT_STEP.nD + 1, 'one F/M step, n_D D steps, one G step');
    assert.deepEqual(steps[0], names(['encoder.', 'metric.', 'user_vectors.']));
    // D's last bias shifts real and fake scores alike, which relativistic losses cancel:
    // its gradient is zero up to rounding, so it may or may not move.
    for (let t = 1; t <= DEFAULT_STEP.nD; t++) movesOnly(steps[t]!, names(['disc_bottom.']), ['disc_bottom.head.3.bias']);
    assert.deepEqual(steps[steps.length - 1], names(['gen_bottom.']));
    const moved = changed(model, before);
    for (const n of names(['gen_top.', 'disc_top.'])) assert.ok(!moved.has(n), `${n} (the other direction) must not move`);
    // Optimizer moments are created on the first step; afterwards no tensor leaks per iteration.
    algorithm1Step(model, opt, b, DEFAULT_STEP);
    const live = T.liveTensors();
    algorithm1Step(model, opt, b, DEFAULT_STEP);
    assert.equal(T.liveTensors(), live, 'an iteration leaves no live tensors behind');
    assert.ok(liveBefore <= live);
    for (const [k, v] of Object.entries(losses)) if (k !== 'L_G_FM') assert.ok(Number.isFinite(v), `${k} = ${v}`);
    assert.ok(Number.isFinite(losses.L_G_FM));
    if (userCond === 'none') assert.notEqual(model.scoreMean!.item(), 0, 'the running positive score moves');
    T.dispose([...before.values(), ...Object.values(b).filter((x) => x instanceof T.Tensor)]);
    model.dispose();
  });
}

test('Algorithm 1 with both tasks: one (a) step on both batches, then (b) and (c) per category, each moving only its own nets', () => {
  T.manualSeed(5);
  const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom', 'top'] });
  const opt = makeOptimizers(model, { lr: 1e-3, betas: [0.5, 0.999] });
  const names = (prefix: string) =>
    new Set(
      model
        .namedParameters()
        .map(([n]) => n)
        .filter((n) => n.startsWith(prefix)),
    );
  const log: [string, Set<string>][] = [];
  const spy = (label: string, o: nn.Optimizer) => {
    const real = o.step.bind(o);
    o.step = () => {
      const before = snapshot(model);
      real();
      log.push([label, changed(model, before)]);
      T.dispose([...before.values()]);
    };
  };
  spy('compat', opt.compat);
  for (const [c, o] of opt.disc) spy(`disc_${c}`, o);
  for (const [c, o] of opt.gen) spy(`gen_${c}`, o);
  const bottom = batch(4, 3),
    top = { ...batch(4, 3), target: 'top' as const };
  const l = algorithm1Step(model, opt, [bottom, top], DEFAULT_STEP);
  assert.deepEqual(
    log.map(([k]) => k),
    ['compat', 'disc_bottom', 'disc_bottom', 'gen_bottom', 'disc_top', 'disc_top', 'gen_top'],
  );
  for (const [k, moved] of log.slice(1)) {
    movesOnly(moved, names(`${k}.`), [`${k}.head.3.bias`]);
  }
  const byTarget = l.by_target as unknown as Record<string, Record<string, number>>;
  assert.deepEqual(Object.keys(byTarget), ['bottom', 'top']);
  assert.ok(Math.abs(l.L_D - (byTarget.bottom!.L_D! + byTarget.top!.L_D!) / 2) < 1e-9, 'top-level values are means over categories');
  assert.throws(() => algorithm1Step(model, opt, [bottom, bottom], DEFAULT_STEP), /one batch per designed category/);
  T.dispose([...Object.values(bottom), ...Object.values(top)].filter((x) => x instanceof T.Tensor));
  model.dispose();
});

test('the "remove L_G^FM" ablation: G is trained by RaLSGAN alone (L_G = L_G_adv)', () => {
  T.manualSeed(4);
  const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'] });
  const opt = makeOptimizers(model, { lr: 1e-3, betas: [0.5, 0.999] });
  const b = batch(4, 3);
  const l = algorithm1Step(model, opt, b, { ...DEFAULT_STEP, genCompatLoss: false });
  assert.ok(Number.isNaN(l.L_G_FM));
  assert.equal(l.L_G, l.L_G_adv);
  const l2 = algorithm1Step(model, opt, b, { ...DEFAULT_STEP, lambda3: 2 });
  assert.ok(Math.abs(l2.L_G - (2 * l2.L_G_adv + l2.L_G_FM)) < 1e-5, 'L_G = lambda1 L_G^FM + lambda3 L_G^RaLSGAN');
  const l3 = algorithm1Step(model, opt, b, { ...DEFAULT_STEP, genCompatScale: 'positive-std' });
  assert.ok(Number.isFinite(l3.L_G_FM) && l3.L_G_FM >= 0, `scaled L_G^FM ${l3.L_G_FM}`);
  T.dispose(Object.values(b).filter((x) => x instanceof T.Tensor));
  model.dispose();
});

test('designer: generator input per user conditioning, and designs at 64x64', () => {
  for (const [userCond, dim] of [
    ['vector', 16],
    ['label', 8 + 5],
    ['none', 9],
  ] as const) {
    const model = new Designer({ ...TINY_MODEL, users: 5, userCond, targets: ['top'] });
    T.tidy(() => {
      const users = T.tensor([0, 4], { dtype: 'int64' });
      const zq = T.randn([2, 8]);
      const h = model.generatorInput(zq, users);
      assert.deepEqual(h.shape, [2, dim]);
      if (userCond === 'label') assert.deepEqual(T.narrow(h, 1, 8, 5).toArray(), [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
      const img = model.design(T.randn([2, 3, 64, 64]), users, 'top');
      assert.deepEqual(img.shape, [2, 3, 64, 64]);
      assert.throws(() => model.design(T.randn([1, 3, 64, 64]), T.tensor([0], { dtype: 'int64' }), 'bottom'), /does not design bottoms/);
    });
    assert.equal(model.userVectors === null, userCond === 'none', 'no theta_u when user-unaware');
    model.dispose();
  }
});

test('Algorithm 1 with a query-pair discriminator and the query mode-seeking term: (b) also moves exactly D_pair once, (c) still exactly G, no leaks', () => {
  T.manualSeed(9);
  const model = new Designer({ ...TINY_MODEL, pairDiscriminator: true, users: 3, userCond: 'vector', targets: ['bottom'] });
  const opt = makeOptimizers(model, { lr: 1e-3, betas: [0.5, 0.999] });
  assert.equal(opt.pairDisc!.size, 1);
  const names = (prefix: string) =>
    new Set(
      model
        .namedParameters()
        .map(([n]) => n)
        .filter((n) => n.startsWith(prefix)),
    );
  const moves: [string, Set<string>][] = [];
  const spy = (label: string, o: nn.Optimizer) => {
    const real = o.step.bind(o);
    o.step = () => {
      const before = snapshot(model);
      real();
      moves.push([label, changed(model, before)]);
      T.dispose([...before.values()]);
    };
  };
  spy('pair', opt.pairDisc!.get('bottom')!);
  spy('gen', opt.gen.get('bottom')!);
  const b = batch(4, 3);
  const step = { ...DEFAULT_STEP, modeSeeking: 1 };
  const losses = algorithm1Step(model, opt, b, step);
  assert.deepEqual(
    moves.map(([l]) => l),
    ['pair', 'gen'],
  );
  movesOnly(moves[0]![1], names('pair_disc_bottom.'), []);
  assert.deepEqual(moves[1]![1], names('gen_bottom.'), 'G alone moves in (c): D_pair is fixed there');
  assert.ok(Number.isFinite(losses.L_Dpair) && Number.isFinite(losses.L_G_pair) && losses.L_G_ms! > 0, JSON.stringify(losses));
  algorithm1Step(model, opt, b, step);
  const live = T.liveTensors();
  algorithm1Step(model, opt, b, step);
  assert.equal(T.liveTensors(), live, 'no live tensors left by an iteration');
  // Without the option the model has no such nets, and the losses no such entries.
  const plain = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'] });
  assert.ok(!plain.namedParameters().some(([n]) => n.startsWith('pair_disc')));
  T.dispose(Object.values(b).filter((x): x is T.Tensor => x instanceof T.Tensor));
  plain.dispose();
  model.dispose();
});

test("swapExtra: step (a) adds a second ranking term against the user's other complement; weight 0 is the paper's step exactly", () => {
  const run = (swapExtra: number, withSwap: boolean) => {
    T.manualSeed(5);
    const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'] });
    const opt = makeOptimizers(model, { lr: 1e-3, betas: [0.5, 0.999] });
    T.manualSeed(6);
    const b = batch(4, 3);
    if (withSwap) b.swapComplement = T.keep(T.sub(T.mul(T.rand([4, 3, 64, 64]), 2), 1));
    const losses = algorithm1Step(model, opt, b, { ...DEFAULT_STEP, swapExtra });
    const encoder = T.tidy(() => T.sum(T.abs(model.encoder.parameters()[0]!)).item());
    // Optimizer moments are created on the first step; a second leaves no live tensors behind.
    const live = T.liveTensors();
    algorithm1Step(model, opt, b, { ...DEFAULT_STEP, swapExtra });
    assert.equal(T.liveTensors(), live, 'no tensor leaked');
    T.dispose([b.users, b.query, b.positive, b.negQuery, b.negComplement, ...(b.swapComplement ? [b.swapComplement] : [])]);
    model.dispose();
    return { losses, encoder };
  };
  const paper = run(0, false),
    off = run(0, true),
    on = run(1, true);
  assert.equal(off.losses.L_FM, paper.losses.L_FM);
  assert.equal(off.encoder, paper.encoder);
  assert.equal(off.losses.bpr_swap, undefined);
  // (F's batch statistics now include the extra complements, so the kind-1/2 term moves a little too.)
  const l2 = paper.losses.L_FM - paper.losses.bpr;
  assert.ok(Math.abs(on.losses.L_FM - (on.losses.bpr + l2 + on.losses.bpr_swap!)) < 1e-5, "L_FM = BPR(s+, s-) + L2 + 1 x BPR(s+, s')");
  assert.ok(on.losses.auc_swap! >= 0 && on.losses.auc_swap! <= 1);
  assert.notEqual(on.encoder, paper.encoder, 'the extra term moves F');
});

/**
 * Two Algorithm 1 steps of a fresh tiny model (one task) with extra step options, the same seed
 * each time: the first step's losses, the parameters G's optimizer moved in the second, G's
 * parameter names; asserts that the second step leaks no tensor.
 */
function gStepRun(
  userCond: UserCond,
  extra: Partial<typeof DEFAULT_STEP>,
  pickPool?: (b: ImageBatch) => T.Tensor,
  colourModes = 0,
  whiteBelow?: number,
) {
  T.manualSeed(11);
  const model = new Designer({ ...TINY_MODEL, users: 3, userCond, targets: ['bottom'], colourModes });
  const opt = makeOptimizers(model, { lr: 1e-3, betas: [0.5, 0.999] });
  const gen = opt.gen.get('bottom')!;
  let moved = new Set<string>();
  const real = gen.step.bind(gen);
  gen.step = () => {
    const before = snapshot(model);
    real();
    moved = changed(model, before);
    T.dispose([...before.values()]);
  };
  T.manualSeed(12);
  const b = batch(4, 3);
  if (pickPool) b.pickPool = T.keep(pickPool(b));
  if (whiteBelow !== undefined) {
    // The real complements' rows from `whiteBelow` down are background (white): a silhouette that is not the whole image.
    const s = b.positive.size(2);
    const white = T.keep(
      T.tidy(() => T.cat([T.narrow(b.positive, 2, 0, whiteBelow), T.ones([b.positive.size(0), 3, s - whiteBelow, s])], 2)),
    );
    b.positive.dispose();
    b.positive = white;
  }
  const losses = algorithm1Step(model, opt, b, { ...DEFAULT_STEP, ...extra } as typeof DEFAULT_STEP);
  const live = T.liveTensors();
  algorithm1Step(model, opt, b, { ...DEFAULT_STEP, ...extra } as typeof DEFAULT_STEP);
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
  const names = new Set(
    model
      .namedParameters()
      .map(([n]) => n)
      .filter((n) => n.startsWith('gen_bottom.')),
  );
  T.dispose([b.users, b.query, b.positive, b.negQuery, b.negComplement, ...(b.pickPool ? [b.pickPool] : [])]);
  model.dispose();
  return { losses, moved, names };
}

for (const userCond of ['vector', 'none'] as UserCond[]) {
  test(`designRank (${userCond}): (c) adds w x L_rank and still moves exactly G; weight 0 is the paper's step exactly; no leaks`, () => {
    const run = (designRank: number) => gStepRun(userCond, { designRank });
    const paper = run(0),
      on = run(2);
    assert.equal(paper.losses.L_G_rank, undefined);
    assert.equal(on.losses.L_G_adv, paper.losses.L_G_adv, "the ranking term changes nothing before G's update");
    assert.ok(on.losses.L_G_rank! > 0 && Number.isFinite(on.losses.L_G_rank!));
    const expected = paper.losses.L_G + 2 * on.losses.L_G_rank!;
    assert.ok(
      Math.abs(on.losses.L_G - expected) < 1e-4 * Math.max(1, Math.abs(expected)),
      `L_G ${on.losses.L_G} = paper's ${paper.losses.L_G} + 2 x ${on.losses.L_G_rank}`,
    );
    assert.ok(on.losses.g_query_win! >= 0 && on.losses.g_query_win! <= 1);
    // A user-unaware model has no other user's design to rank against.
    assert.equal(Number.isNaN(on.losses.g_user_win!), userCond === 'none');
    assert.deepEqual(on.moved, on.names, 'G alone moves in (c)');
  });
}

test("lambdaPick: (c) adds w x L1(another user's design, M's pick for that user) and still moves exactly G; weight 0 is the paper's step exactly; shares the other user's design with designRank; no leaks", () => {
  const run = (lambdaPick: number, designRank = 0, pickQueryShare = 0) => gStepRun('vector', { lambdaPick, designRank, pickQueryShare });
  const paper = run(0),
    on = run(10);
  assert.equal(paper.losses.L_G_pick, undefined);
  assert.deepEqual(run(0, 0, 1).losses, paper.losses, 'a query share without the term changes nothing');
  assert.equal(on.losses.L_FM, paper.losses.L_FM, 'step (a) is untouched');
  assert.equal(on.losses.L_G_adv, paper.losses.L_G_adv, "the pick term changes nothing before G's update");
  assert.ok(on.losses.L_G_pick! > 0 && Number.isFinite(on.losses.L_G_pick!));
  assert.ok(on.losses.pick_own! >= 0 && on.losses.pick_own! <= 1);
  const expected = paper.losses.L_G + 10 * on.losses.L_G_pick!;
  assert.ok(
    Math.abs(on.losses.L_G - expected) < 1e-4 * Math.max(1, Math.abs(expected)),
    `L_G ${on.losses.L_G} = paper's ${paper.losses.L_G} + 10 x ${on.losses.L_G_pick}`,
  );
  assert.deepEqual(on.moved, on.names, 'G alone moves in (c)');
  // With the ranking term too: one design per other user serves both terms, each term as it is alone.
  const rank = run(0, 2),
    both = run(10, 2);
  assert.equal(both.losses.L_G_rank, rank.losses.L_G_rank);
  assert.equal(both.losses.L_G_pick, on.losses.L_G_pick);
  const sum = paper.losses.L_G + 2 * rank.losses.L_G_rank! + 10 * on.losses.L_G_pick!;
  assert.ok(Math.abs(both.losses.L_G - sum) < 1e-4 * Math.max(1, Math.abs(sum)), `L_G ${both.losses.L_G} = ${sum}`);
  // The other query's half (pickQueryShare): share 1 is that half alone, 1/2 the mean of the two halves.
  const queryOnly = run(10, 0, 1),
    half = run(10, 0, 0.5);
  assert.ok(Number.isNaN(queryOnly.losses.pick_own!), 'no other-user pick at share 1');
  assert.ok(queryOnly.losses.L_G_pick! > 0 && queryOnly.losses.L_G_pick !== on.losses.L_G_pick);
  assert.ok(
    Math.abs(queryOnly.losses.L_G - (paper.losses.L_G + 10 * queryOnly.losses.L_G_pick!)) <
      1e-4 * Math.max(1, Math.abs(queryOnly.losses.L_G)),
  );
  const mean = 0.5 * (on.losses.L_G_pick! + queryOnly.losses.L_G_pick!);
  assert.ok(Math.abs(half.losses.L_G_pick! - mean) < 1e-6, `L_G_pick ${half.losses.L_G_pick} = ${mean}`);
  for (const r of [queryOnly, half]) assert.deepEqual(r.moved, r.names, 'G alone moves in (c)');
});

test("pickPool: M also picks among the batch's extra complements, their codes and images aligned; no leaks", () => {
  const run = (pool?: (b: ImageBatch) => T.Tensor) => gStepRun('vector', { lambdaPick: 10, pickQueryShare: 0.5 }, pool);
  const base = run();
  // The negatives again, in reverse order: the same candidates, so the same picked images (a
  // pool whose codes and images were out of step would pick other images).
  const same = run((b) => T.flip(b.negComplement, [0]));
  assert.equal(same.losses.L_G_pick, base.losses.L_G_pick);
  assert.equal(same.losses.L_G, base.losses.L_G);
  // New candidates: M picks some of them.
  const fresh = run((b) => T.sub(T.mul(T.rand([8, ...b.positive.shape.slice(1)]), 2), 1));
  assert.notEqual(fresh.losses.L_G_pick, base.losses.L_G_pick);
  assert.equal(fresh.losses.L_G_adv, base.losses.L_G_adv, 'the pool changes nothing but the pick term');
  assert.deepEqual(fresh.moved, fresh.names, 'G alone moves in (c)');
});

test("lambdaTv: (c) adds the design's total variation, which G then lowers; weight 0 is the paper's step exactly", () => {
  const run = (lambdaTv: number, steps: number) => {
    T.manualSeed(11);
    const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'] });
    const opt = makeOptimizers(model, { lr: 2e-3, betas: [0.5, 0.999] });
    T.manualSeed(12);
    const b = batch(4, 3);
    const step = { ...DEFAULT_STEP, lambdaTv };
    let losses = algorithm1Step(model, opt, b, step);
    const live = T.liveTensors();
    for (let i = 1; i < steps; i++) losses = algorithm1Step(model, opt, b, step);
    assert.equal(T.liveTensors(), live, 'no tensor leaked');
    const tv = T.tidy(() => totalVariation(model.design(b.query, b.users, 'bottom')).item());
    T.dispose(Object.values(b).filter((x): x is T.Tensor => x instanceof T.Tensor));
    model.dispose();
    return { losses, tv };
  };
  // One step from the same seeds: (a) and (b) are the same, and (c)'s loss (read before G's
  // update) is the paper's plus exactly 20 x the design's total variation.
  const paper = run(0, 1),
    weighted = run(20, 1);
  assert.equal(paper.losses.L_G_tv, undefined);
  assert.equal(weighted.losses.L_D, paper.losses.L_D);
  const expected = paper.losses.L_G + 20 * weighted.losses.L_G_tv!;
  assert.ok(Math.abs(weighted.losses.L_G - expected) < 1e-4 * Math.abs(expected), `L_G ${weighted.losses.L_G} vs ${expected}`);
  const on = run(20, 8),
    without = run(0, 8);
  assert.ok(on.losses.L_G_tv! > 0, JSON.stringify(on.losses));
  assert.ok(on.tv < 0.8 * without.tv, `designs trained against their total variation are smoother: ${on.tv} vs ${without.tv}`);
});

test("colour modes: (c) draws each design in its target's colour bin and trains G's mode head on it (its own optimizer); G's optimizer moves the rest of G; no leaks", () => {
  const extra = { lambdaRec: 10, lambdaPick: 10, pickQueryShare: 0.5, modeSeeking: 1 };
  const r = gStepRun('vector', extra, undefined, 3);
  // A fresh head over 27 bins: cross-entropy near ln 27.
  assert.ok(Math.abs(r.losses.L_G_prior! - Math.log(27)) < 1, `L_G_prior ${r.losses.L_G_prior}`);
  for (const k of ['L_G', 'L_G_rec', 'L_G_pick', 'L_G_ms', 'L_D'] as const) assert.ok(Number.isFinite(r.losses[k]!), `${k} ${r.losses[k]}`);
  assert.ok(r.names.has('gen_bottom.mode_prior.0.weight') && r.names.has('gen_bottom.mode_embedding.weight'), [...r.names].join(', '));
  assert.deepEqual(
    r.moved,
    new Set([...r.names].filter((n) => !n.includes('mode_prior'))),
    "G's optimizer moves G but its head, mode offsets included",
  );
  assert.equal(gStepRun('vector', extra).losses.L_G_prior, undefined, 'no colour modes, no head loss');
});

test('modeColour: (c) adds w x the bin-colour term and a realism term for designs in random bins; weight 0 draws no extra design; G alone moves; no leaks', () => {
  const base = { lambdaRec: 10, modeSeeking: 1 };
  const off = gStepRun('vector', base, undefined, 3),
    on = gStepRun('vector', { ...base, modeColour: 10 }, undefined, 3);
  const twice = gStepRun('vector', { ...base, modeColour: 20 }, undefined, 3);
  assert.equal(off.losses.L_G_colour, undefined, 'off: no term');
  assert.ok(on.losses.L_G_colour! > 0 && on.losses.L_G_colour! < 3 && Number.isFinite(on.losses.L_G), `L_G_colour ${on.losses.L_G_colour}`);
  // Same seed, same draws: doubling the weight adds the term once more, and nothing else changes.
  assert.equal(twice.losses.L_G_colour, on.losses.L_G_colour);
  const diff = twice.losses.L_G - on.losses.L_G;
  assert.ok(
    Math.abs(diff - 10 * on.losses.L_G_colour!) < 1e-3 * Math.max(1, diff),
    `L_G grows by 10 x L_G_colour: ${diff} vs ${10 * on.losses.L_G_colour!}`,
  );
  assert.deepEqual(on.moved, new Set([...on.names].filter((n) => !n.includes('mode_prior'))), "G's optimizer moves G but its head");
});

test("msMask target: the mode-seeking term compares the designs inside the real complements' silhouettes alone; nothing else changes; no leaks", () => {
  const base = { lambdaRec: 10, modeSeeking: 1 };
  const all = gStepRun('vector', base, undefined, 0, 40),
    target = gStepRun('vector', { ...base, msMask: 'target' }, undefined, 0, 40);
  assert.ok(Number.isFinite(target.losses.L_G_ms!) && target.losses.L_G_ms! > 0, `L_G_ms ${target.losses.L_G_ms}`);
  assert.notEqual(target.losses.L_G_ms, all.losses.L_G_ms, 'another distance: the white rows are left out');
  assert.equal(target.losses.L_G_adv, all.losses.L_G_adv, "nothing else changes before G's update");
  assert.equal(target.losses.L_G_rec, all.losses.L_G_rec);
  assert.deepEqual(target.moved, all.moved, 'G alone moves');
  // A silhouette that is the whole image (random images have no white pixel): the same term as every pixel.
  const full = gStepRun('vector', { ...base, msMask: 'target' }),
    fullAll = gStepRun('vector', base);
  assert.ok(
    Math.abs(full.losses.L_G_ms! - fullAll.losses.L_G_ms!) < 1e-2 * fullAll.losses.L_G_ms!,
    `${full.losses.L_G_ms} vs ${fullAll.losses.L_G_ms}`,
  );
});

test("colour modes: the mode head learns its targets' bins through its own optimizer, at its own rate", () => {
  const run = (lrModeHead: number) => {
    T.manualSeed(11);
    const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['bottom'], colourModes: 2 });
    const opt = makeOptimizers(model, { lr: 1e-4, betas: [0.5, 0.999], lrModeHead });
    assert.equal(opt.modeHead!.get('bottom')!.lr, lrModeHead);
    T.manualSeed(12);
    const b = batch(4, 3);
    const step = { ...DEFAULT_STEP, lambdaRec: 10 };
    const first = algorithm1Step(model, opt, b, step).L_G_prior!;
    let last = first;
    for (let i = 0; i < 6; i++) last = algorithm1Step(model, opt, b, step).L_G_prior!;
    T.dispose([b.users, b.query, b.positive, b.negQuery, b.negComplement]);
    model.dispose();
    return first - last;
  };
  const slow = run(1e-4),
    fast = run(1e-2);
  assert.ok(fast > 0.1, `the head's cross-entropy falls on a fixed batch: ${fast}`);
  assert.ok(fast > 3 * slow, `a higher head rate learns faster: ${fast} vs ${slow}`);
});
