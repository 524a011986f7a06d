// The synthetic world: deterministic, compat/pref behave as documented,
// outfits are personal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeWorld, WORLD_PRESETS, WorldOracle, type WorldConfig } from '../../src/data/world/world.js';
import { compat, colourHarmony, patternCompat } from '../../src/data/world/compat.js';
import { pref, sampleTaste } from '../../src/data/world/taste.js';
import { COLOURS, formality, type ItemAttributes } from '../../src/data/world/attributes.js';
import { itemSvg, sampleVariation } from '../../src/data/world/render.js';
import { Rng } from '../../src/data/rng.js';

const small: WorldConfig = { ...WORLD_PRESETS.demo, users: 6, tops: 80, bottoms: 80, pool: 40, trainPerUser: 20, testPerUser: 5 };
const C = (name: string) => COLOURS.findIndex((c) => c.name === name);
const item = (a: Partial<ItemAttributes>): ItemAttributes => ({ silhouette: 'tshirt', colour: C('grey'), pattern: 'solid', secondary: C('grey'), ...a });

test('the same seed gives the same world; another seed another', () => {
  const a = makeWorld(small), b = makeWorld(small), c = makeWorld({ ...small, seed: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.outfits, c.outfits);
  assert.equal(a.items.length, 160);
  assert.equal(a.outfits.length, 6 * 25);
  for (const u of a.users) {
    const mine = a.outfits.filter((o) => o.user === u.id);
    assert.equal(mine.filter((o) => o.split === 'train').length, 20);
    assert.equal(mine.filter((o) => o.split === 'test').length, 5);
    assert.equal(new Set(mine.map((o) => `${o.top}+${o.bottom}`)).size, 25, 'no outfit twice per user');
  }
});

test('items have the promised variety, and patterned items a contrasting pattern colour', () => {
  const w = makeWorld({ ...small, tops: 400, bottoms: 400 });
  const tops = w.items.filter((i) => i.category === 'top'), bottoms = w.items.filter((i) => i.category === 'bottom');
  assert.equal(new Set(tops.map((i) => i.silhouette)).size, 5);
  assert.equal(new Set(bottoms.map((i) => i.silhouette)).size, 4);
  assert.equal(new Set(w.items.map((i) => i.colour)).size, 12);
  assert.equal(new Set(w.items.map((i) => i.pattern)).size, 5);
  for (const i of w.items) assert.equal(i.pattern === 'solid', i.secondary === i.colour, i.id);
  const svgs = new Set(w.items.map((i) => itemSvg(i, i.variation, 64)));
  assert.equal(svgs.size, w.items.length, 'no two renders alike');
});

test('compat follows the documented rules', () => {
  // Two different busy patterns clash; one busy piece with a solid is best.
  const stripes = item({ pattern: 'stripes', secondary: C('black') });
  const dotsBottom = item({ silhouette: 'jeans', pattern: 'dots', secondary: C('black') });
  const solidBottom = item({ silhouette: 'jeans' });
  assert.ok(compat(stripes, dotsBottom) < compat(stripes, solidBottom));
  assert.equal(patternCompat(stripes, dotsBottom), 0.05);
  // Complementary colours beat the clash zone; neutrals go with anything.
  assert.ok(colourHarmony(C('blue'), C('orange')) > colourHarmony(C('blue'), C('purple')));
  assert.equal(colourHarmony(C('black'), C('pink')), 0.85);
  // Formality: a jacket with trousers beats a jacket with shorts.
  const jacket = item({ silhouette: 'jacket' });
  assert.ok(compat(jacket, item({ silhouette: 'trousers' })) > compat(jacket, item({ silhouette: 'shorts' })));
  assert.ok(formality(jacket) > formality(item({ silhouette: 'tank', pattern: 'print', secondary: C('red') })));
  // Bounded and symmetric in its terms.
  const rng = new Rng(3);
  for (let i = 0; i < 200; i++) {
    const v = compat(item({ colour: rng.int(12), pattern: 'checks', secondary: rng.int(12) }), item({ silhouette: 'skirt', colour: rng.int(12) }));
    assert.ok(v >= 0 && v <= 1);
  }
});

test('pref is in [0, 1] and follows the user\'s colours', () => {
  const t = sampleTaste(new Rng(9));
  const fav = t.colours.indexOf(1), least = t.colours.indexOf(Math.min(...t.colours));
  const bottom = item({ silhouette: 'jeans' });
  assert.ok(pref(t, item({ colour: fav, secondary: fav }), bottom) > pref(t, item({ colour: least, secondary: least }), bottom));
  const rng = new Rng(4);
  for (let i = 0; i < 100; i++) {
    const p = pref(sampleTaste(rng), item({ colour: rng.int(12) }), bottom);
    assert.ok(p >= 0 && p <= 1);
  }
});

test('outfits are compatible and personal: chosen pairs beat random pairs, and users differ', () => {
  const w = makeWorld({ ...small, users: 8 });
  const o = new WorldOracle(w);
  const tops = w.items.filter((i) => i.category === 'top'), bottoms = w.items.filter((i) => i.category === 'bottom');
  const rng = new Rng(1);
  let chosen = 0, random = 0, own = 0, other = 0;
  for (const out of w.outfits) {
    const t = o.item(out.top), b = o.item(out.bottom);
    chosen += o.compat(t, b);
    random += o.compat(rng.pick(tops), rng.pick(bottoms));
    own += o.pref(out.user, t, b);
    const someoneElse = w.users.find((u) => u.id !== out.user)!.id;
    other += o.pref(someoneElse, t, b);
  }
  assert.ok(chosen > random * 1.15, `compat of chosen ${chosen} vs random ${random}`);
  assert.ok(own > other * 1.1, `pref of own ${own} vs another user's ${other}`);
  // Given the same top, two users rank the bottoms differently.
  const top = tops[0]!;
  const best = (user: string) => bottoms.reduce((a, b) => (o.compat(top, b) + o.pref(user, top, b) > o.compat(top, a) + o.pref(user, top, a) ? b : a));
  const picks = new Set(w.users.map((u) => best(u.id).id));
  assert.ok(picks.size > 1, 'all users would pick the same bottom');
});

test('bad world configs are refused with the reason', () => {
  assert.throws(() => makeWorld({ ...small, users: 0 }), /users must be a positive integer/);
  assert.throws(() => makeWorld({ ...small, pool: 3 }), /need a candidate pool of more than 9 pairs/);
  assert.throws(() => makeWorld({ ...small, imageSize: 8 }), /imageSize must be at least 16/);
  assert.throws(() => new WorldOracle(makeWorld(small)).item('t999999'), /unknown item 't999999'/);
});

test('render variations differ per draw', () => {
  const rng = new Rng(5);
  const a = sampleVariation(rng), b = sampleVariation(rng);
  assert.notDeepEqual(a, b);
  assert.ok(a.scale >= 0.86 && a.scale <= 1 && a.shade >= 0.88 && a.shade <= 1.08);
});
