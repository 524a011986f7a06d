// Image pipeline, the per-split cache, and the paper's outfit sampler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { loadImageBytes, bytesToUnit, unitToBytes, tensorToPng } from '../../src/data/images.js';
import { loadSplitImages } from '../../src/data/cache.js';
import { loadManifest, type DatasetOutfit } from '../../src/data/manifest.js';
import { OutfitSampler } from '../../src/data/sampler.js';
import { makeManifest, tmp, writeImage } from './fixtures.js';

test('images are padded to square on white, resized, CHW, and map to [-1, 1]', async () => {
  const dir = tmp('img');
  const file = path.join(dir, 'red.png');
  await writeImage(file, [255, 0, 0], 10, 20); // tall: white bars left and right
  const b = await loadImageBytes(file, 8);
  assert.equal(b.length, 3 * 64);
  assert.deepEqual([b[0], b[64], b[128]], [255, 255, 255], 'corner is white padding');
  const mid = 4 * 8 + 4;
  assert.deepEqual([b[mid], b[64 + mid], b[128 + mid]], [255, 0, 0], 'centre is the image');
  T.tidy(() => {
    const x = bytesToUnit(T.tensor(b, { dtype: 'uint8', shape: [1, 3, 8, 8] }));
    assert.equal(T.max(x).item(), 1);
    assert.equal(T.min(x).item(), -1);
    assert.deepEqual(unitToBytes(x).toArray(), Array.from(b));
  });
  const png = await T.tidy(() => T.keep(bytesToUnit(T.tensor(b, { dtype: 'uint8', shape: [3, 8, 8] }))));
  assert.ok((await tensorToPng(png)).subarray(1, 4).toString() === 'PNG');
  png.dispose();
  writeFileSync(path.join(dir, 'bad.jpg'), 'not an image');
  await assert.rejects(loadImageBytes(path.join(dir, 'bad.jpg'), 8), /bad\.jpg: cannot decode image/);
});

test('the split cache is built once, then read without decoding; a corrupt image is named or skipped', async () => {
  const root = await makeManifest();
  const d = loadManifest(path.join(root, 'manifest.jsonl'));
  const cache = path.join(root, 'cache');
  const a = await loadSplitImages(d, 'train', 16, cache);
  assert.equal(a.fromCache, false);
  assert.deepEqual(a.tops.shape, [3, 3, 16, 16]);
  assert.equal(a.tops.dtype, 'uint8');
  assert.equal(a.outfits.length, 3);
  const b = await loadSplitImages(d, 'train', 16, cache);
  assert.equal(b.fromCache, true);
  assert.deepEqual(b.tops.toArray(), a.tops.toArray());
  assert.deepEqual([...b.topRow], [...a.topRow]);
  a.dispose();
  b.dispose();
  writeFileSync(d.tops[1]!.path, 'corrupt');
  await assert.rejects(loadSplitImages(d, 'train', 16, cache), /t1\.png: cannot decode image/);
  const c = await loadSplitImages(d, 'train', 16, cache, { skipBad: true });
  assert.equal(c.outfits.length, 2);
  assert.equal(c.skipped.length, 2); // the image, and the dropped outfit count
  c.dispose();
});

function outfits(users: number, perUser: number): DatasetOutfit[] {
  const out: DatasetOutfit[] = [];
  for (let u = 0; u < users; u++) for (let k = 0; k < perUser; k++) out.push({ user: u, top: u * 100 + k, bottom: u * 100 + 50 + k, split: 'train' });
  return out;
}

test('sampler: both negative kinds at the configured ratio, each of the right form', () => {
  const data = outfits(4, 10);
  const s = new OutfitSampler(data, { batchSize: 20, negativeMix: 0.3, task: 'top2bottom', seed: 1 });
  const userOf = new Map(data.map((o) => [o.top, o.user]));
  for (let i = 0; i < 5; i++) {
    const b = s.next();
    assert.equal(b.negKind.filter((k) => k === 1).length, 6);
    assert.equal(b.negKind.filter((k) => k === 2).length, 14);
    for (let r = 0; r < 20; r++) {
      assert.equal(userOf.get(b.query[r]!), b.users[r], 'positives are the user\'s own outfits');
      if (b.negKind[r] === 1) {
        assert.equal(b.negQuery[r], b.query[r]);
        assert.notEqual(b.negComplement[r], b.positive[r]);
      } else {
        assert.notEqual(userOf.get(b.negQuery[r]!), b.users[r], 'kind 2 comes from another user');
      }
    }
  }
});

test('sampler: deterministic from the seed, resumes exactly, alternates tasks, refuses test outfits', () => {
  const data = outfits(3, 7);
  const cfg = { batchSize: 8, negativeMix: 0.5, task: 'both' as const, seed: 5 };
  const a = new OutfitSampler(data, cfg), b = new OutfitSampler(data, cfg);
  const runA = Array.from({ length: 6 }, () => a.next());
  assert.deepEqual(runA, Array.from({ length: 6 }, () => b.next()));
  assert.deepEqual(runA.map((x) => x.direction), ['top2bottom', 'bottom2top', 'top2bottom', 'bottom2top', 'top2bottom', 'bottom2top']);
  assert.ok(runA[1]!.query.every((q) => q % 100 >= 50), 'bottom2top queries are bottoms');
  const c = new OutfitSampler(data, cfg);
  for (let i = 0; i < 3; i++) c.next();
  const saved = JSON.parse(JSON.stringify(c.state()));
  const d = new OutfitSampler(data, cfg);
  d.restore(saved);
  assert.deepEqual(Array.from({ length: 3 }, () => d.next()), runA.slice(3));
  assert.throws(() => new OutfitSampler([...data, { user: 0, top: 1, bottom: 2, split: 'test' }], cfg), /only training outfits/);
  assert.throws(() => new OutfitSampler(outfits(1, 5), cfg), /at least two users/);
});

test('sampler: every training outfit is visited once per epoch', () => {
  const data = outfits(3, 5);
  const s = new OutfitSampler(data, { batchSize: 5, negativeMix: 1, task: 'top2bottom', seed: 2 });
  const seen = new Map<number, number>();
  for (let i = 0; i < 3; i++) for (const q of s.next().query) seen.set(q, (seen.get(q) ?? 0) + 1);
  assert.equal(seen.size, 15);
  assert.ok([...seen.values()].every((n) => n === 1));
  assert.equal(s.epochsDone, 0);
  s.next();
  assert.equal(s.epochsDone, 1);
});
