// Dataset loaders on fixtures in each published layout, and every bad-input case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { loadManifest } from '../../src/data/manifest.js';
import { loadPolyvoreU } from '../../src/data/datasets/polyvore_u.js';
import { loadPolyvoreOutfits, PSEUDO_USER } from '../../src/data/datasets/polyvore_outfits.js';
import { makeManifest, makePolyvoreOutfits, makePolyvoreU } from './fixtures.js';

test('generic manifest: users, items (deduplicated) and splits', async () => {
  const root = await makeManifest();
  const d = loadManifest(path.join(root, 'manifest.jsonl'));
  assert.deepEqual(d.users, ['ann', 'bob']);
  assert.equal(d.tops.length, 3);
  assert.equal(d.bottoms.length, 3);
  assert.deepEqual(d.outfits.map((o) => o.split), ['train', 'train', 'train', 'test']);
  assert.equal(d.outfits[3]!.top, d.outfits[0]!.top, 'the same image is the same item');
  assert.ok(d.tops[0]!.path.startsWith(root));
});

test('generic manifest: each bad line is an error naming file and line, or skipped and counted', async () => {
  const root = await makeManifest();
  const file = path.join(root, 'manifest.jsonl');
  const cases: [string, RegExp][] = [
    ['{not json', /manifest\.jsonl:5: malformed JSON/],
    [JSON.stringify({ user: 'ann', top: 'img/t0.png', split: 'train' }), /:5: missing or non-string field 'bottom'/],
    [JSON.stringify({ user: 'ann', top: 'img/t0.png', bottom: 'img/b0.png', split: 'dev' }), /:5: unknown split 'dev'/],
    [JSON.stringify({ user: 'ann', top: 'img/nope.png', bottom: 'img/b0.png', split: 'train' }), /:5: top image not found: .*img\/nope\.png/],
  ];
  const original = (await import('node:fs')).readFileSync(file, 'utf8');
  for (const [line, re] of cases) {
    writeFileSync(file, original + line + '\n');
    assert.throws(() => loadManifest(file), re);
    const d = loadManifest(file, { skipBad: true });
    assert.equal(d.skipped.length, 1);
    assert.equal(d.skipped[0]!.line, 5);
    assert.equal(d.outfits.length, 4);
  }
  assert.throws(() => loadManifest(path.join(root, 'missing.jsonl')), /missing\.jsonl: manifest not found/);
  writeFileSync(file, '\n');
  assert.throws(() => loadManifest(file), /no usable outfits/);
});

test('Polyvore-U: positives per split, negatives, images per category', async () => {
  const root = await makePolyvoreU();
  const d = loadPolyvoreU(root, { set: '53' });
  assert.equal(d.name, 'polyvore-u-53');
  assert.deepEqual(d.users, ['0', '1', '2']);
  assert.equal(d.outfits.filter((o) => o.split === 'train').length, 4);
  assert.equal(d.outfits.filter((o) => o.split === 'val').length, 1);
  assert.equal(d.outfits.filter((o) => o.split === 'test').length, 2);
  assert.equal(d.negatives.length, 2);
  assert.equal(d.negatives.filter((n) => n.hard).length, 1);
  assert.match(d.tops[0]!.path, /images\/291x291\/top\/a1\.jpg$/);
  assert.match(d.bottoms[0]!.path, /images\/291x291\/bottom\/b1\.jpg$/);
});

test('Polyvore-U: unknown user, out-of-range item, malformed line, missing image, user without training outfits', async () => {
  const bad: [string, RegExp][] = [
    ['53,0,0,0', /tuples_train_posi:6: unknown user 53 \(tuples_53 has users 0\.\.52\)/],
    ['0,7,0,0', /:6: top 7 is not in image_list_top \(3 items\)/],
    ['0,0', /:6: expected 4 columns, got 2/],
    ['0,x,0,0', /:6: user, top and bottom must be non-negative integers/],
  ];
  for (const [line, re] of bad) {
    const root = await makePolyvoreU([line]);
    assert.throws(() => loadPolyvoreU(root, { set: '53' }), re);
    const d = loadPolyvoreU(root, { set: '53', skipBad: true });
    assert.equal(d.skipped.length, 1);
    assert.equal(d.outfits.filter((o) => o.split === 'train').length, 4);
  }
  const root = await makePolyvoreU();
  rmSync(path.join(root, 'images', '291x291', 'top', 'a2.jpg'));
  assert.throws(() => loadPolyvoreU(root, { set: '53' }), /tuples_train_posi:3: image not found: .*a2\.jpg/);
  const root2 = await makePolyvoreU();
  appendFileSync(path.join(root2, 'tuples_53', 'tuples_test_posi'), '9,0,0,0\n');
  assert.throws(() => loadPolyvoreU(root2, { set: '53' }), /user 9 has outfits in val\/test but none in train/);
  const d = loadPolyvoreU(root2, { set: '53', skipBad: true });
  assert.ok(!d.outfits.some((o) => d.users[o.user] === '9'));
  assert.throws(() => loadPolyvoreU(root2, { set: '630' }), /tuples_630: Polyvore-U folder not found/);
});

test('Polyvore Outfits: first top and bottom of each outfit, one pseudo-user, outfits without both counted', async () => {
  const root = await makePolyvoreOutfits();
  const d = loadPolyvoreOutfits(root);
  assert.deepEqual(d.users, [PSEUDO_USER]);
  assert.equal(d.outfits.length, 4);
  assert.equal(d.withoutTopAndBottom, 1);
  assert.deepEqual(d.outfits.map((o) => o.split), ['train', 'train', 'val', 'test']);
  assert.deepEqual(d.tops.map((t) => t.id), ['11', '21']);
  writeFileSync(path.join(root, 'nondisjoint', 'test.json'), JSON.stringify([{ set_id: '9', items: [{ item_id: '99', index: 1 }] }]));
  assert.throws(() => loadPolyvoreOutfits(root), /test\.json:1: outfit 9: item 99 is not in polyvore_item_metadata\.json/);
  assert.equal(loadPolyvoreOutfits(root, { skipBad: true }).skipped.length, 1);
  writeFileSync(path.join(root, 'nondisjoint', 'test.json'), '{oops');
  assert.throws(() => loadPolyvoreOutfits(root), /test\.json: not valid JSON/);
});
