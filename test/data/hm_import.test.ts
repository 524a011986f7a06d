// The H&M-layout import on a hand-made folder: outfits by purchase window, users by minimum,
// held-out tops for the test split, bad rows and photos named (or skipped and counted), photos
// padded on their own background and resized.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { importHm, type HmImportOptions } from '../../src/data/hm/import.js';
import { borderColour } from '../../src/data/hm/photos.js';
import { dayNumber } from '../../src/data/hm/transactions.js';
import { loadDataset } from '../../src/data/load.js';
import { main } from '../../src/cli/pfd.js';
import { findHmFiles } from '../../src/cli/demo_hm.js';
import { quietly } from '../helpers.js';
import { makeHmFolder as hmFolder } from './fixtures.js';

const options = (root: string, o: Partial<HmImportOptions> = {}): HmImportOptions => ({
  articles: path.join(root, 'articles.csv'), transactions: path.join(root, 'transactions.csv'), images: path.join(root, 'images'),
  windowDays: 7, minOutfits: 1, testShare: 0.5, size: 64, seed: 1, skipBad: false, out: path.join(root, 'out'), ...o,
});
const manifest = (out: string) => readFileSync(path.join(out, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { user: string; top: string; bottom: string; split: string });

test('outfits by window, users by minimum, full-body garments and unknown articles left out, a test split of held-out tops', async () => {
  const root = await hmFolder();
  const r = await importHm(options(root));
  assert.equal(r.transactions.rows, 11);
  assert.equal(r.transactions.other_articles, 2, 'the dress and the unknown article');
  const m = manifest(path.join(root, 'out'));
  const pairsOf = (u: string) => m.filter((x) => x.user === u).map((x) => `${path.basename(x.top, '.png')}+${path.basename(x.bottom, '.png')}`).sort();
  // A: every top with every bottom within 7 days (3 x 2 = 6); B: one; C: none (20 days apart).
  assert.deepEqual(pairsOf('aaaaaaaaaaaa').length, 6);
  assert.deepEqual(pairsOf('bbbbbbbbbbbb'), ['0100000001+0200000002']);
  assert.equal(pairsOf('cccccccccccc').length, 0);
  const wide = await importHm(options(root, { windowDays: 30, out: path.join(root, 'wide') }));
  assert.ok(manifest(path.join(root, 'wide')).some((x) => x.user === 'cccccccccccc'), 'a 30-day window pairs C\'s purchases');
  assert.equal(wide.users, 3);
  const sameDay = await importHm(options(root, { windowDays: 0, out: path.join(root, 'day') }));
  assert.deepEqual(sameDay.outfits.train + sameDay.outfits.test, 3, 'same day: A\'s two pairs of 1 January and 5 January, and B\'s');
  const min2 = await importHm(options(root, { minOutfits: 2, out: path.join(root, 'min2') }));
  assert.equal(min2.users, 1, 'only A has two or more');
  // A's test outfits are those of held-out tops: no top is in both splits for A.
  const a = m.filter((x) => x.user === 'aaaaaaaaaaaa');
  const testTops = new Set(a.filter((x) => x.split === 'test').map((x) => x.top)), trainTops = new Set(a.filter((x) => x.split === 'train').map((x) => x.top));
  assert.ok(testTops.size > 0 && trainTops.size > 0 && [...testTops].every((t) => !trainTops.has(t)));
  assert.ok(m.filter((x) => x.user === 'bbbbbbbbbbbb').every((x) => x.split === 'train'), 'a user with one top keeps it for training');
  // The folder loads as a manifest dataset; items.jsonl carries the labels.
  const d = loadDataset({ path: path.join(root, 'out'), format: 'manifest', skipBad: false });
  assert.equal(d.users.length, 2);
  const items = readFileSync(path.join(root, 'out', 'items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(items.find((i) => i.article_id === '0100000003'), { id: 'images/64/0100000003.png', article_id: '0100000003', category: 'top', product_type: 'Blouse', colour_group: 'Red', appearance: 'Solid' });
});

test('photos: cut in, padded to a square on their own background, resized; a second import reuses them', async () => {
  const root = await hmFolder();
  await importHm(options(root));
  const { data, info } = await sharp(path.join(root, 'out', 'images', '64', '0200000001.png')).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [64, 64]);
  const bg = borderColour(data, 64, 64);
  for (const c of [bg.r, bg.g, bg.b]) assert.ok(Math.abs(c - 230) <= 3, `the padding is the photo's grey background, not white: ${JSON.stringify(bg)}`);
  const centre = [0, 1, 2].map((c) => data[(32 * 64 + 32) * 3 + c]!);
  assert.ok(centre[2]! > 120 && centre[0]! < 60, `the garment stays in the middle: ${centre}`);
  const again = await importHm(options(root));
  assert.equal(again.photos.written, 0);
  assert.ok(again.photos.cached > 0);
});

test('bad rows and photos are named by file and line, or skipped and counted with skipBad', async () => {
  const badDate = await hmFolder(['2020-13-01,eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee,0100000001,0.02,1']);
  await assert.rejects(importHm(options(badDate)), /transactions\.csv:13: t_dat '2020-13-01' is not a YYYY-MM-DD date/);
  const badId = await hmFolder(['2020-01-01,eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee,12ab,0.02,1']);
  await assert.rejects(importHm(options(badId)), /transactions\.csv:13: article_id '12ab' is not a 9-10 digit id/);
  const r = await importHm(options(badId, { skipBad: true }));
  assert.deepEqual(r.skipped.map((s) => s.line), [13]);
  await assert.rejects(importHm(options(badId, { articles: path.join(badId, 'nope.csv') })), /nope\.csv: file not found/);
  writeFileSync(path.join(badId, 'wrong.csv'), 'a,b\n1,2\n');
  await assert.rejects(importHm(options(badId, { articles: path.join(badId, 'wrong.csv') })), /wrong\.csv:1: missing column\(s\) article_id, product_type_name/);
  // A missing photo, and an unreadable one.
  const noPhotos = await hmFolder([], false);
  await assert.rejects(importHm(options(noPhotos)), /images\/010\/0100000001\.jpg: photo not found/);
  const broken = await hmFolder();
  writeFileSync(path.join(broken, 'images', '020', '0200000002.jpg'), 'not a jpeg');
  await assert.rejects(importHm(options(broken)), /0200000002\.jpg: cannot decode photo/);
  const kept = await importHm(options(broken, { skipBad: true }));
  assert.equal(kept.skipped.length, 1);
  assert.ok(manifest(path.join(broken, 'out')).every((x) => !x.bottom.includes('0200000002')), 'the unreadable photo\'s outfits are left out');
  assert.equal(existsSync(path.join(broken, 'out', 'import.json')), true);
});

test('pfd data import hm: the command line, with clear usage errors', async () => {
  const root = await hmFolder();
  const ok = await quietly(() => main(['data', 'import', 'hm', '--articles', path.join(root, 'articles.csv'), '--transactions', path.join(root, 'transactions.csv'), '--images', path.join(root, 'images'), '--min-outfits', '1', '--size', '64', '--out', path.join(root, 'cli')]));
  assert.equal(ok.result, 0, ok.err);
  assert.match(ok.out, /imported 3 users, \d+ training and \d+ test outfits/, "the default 30-day window pairs C too");
  const noOut = await quietly(() => main(['data', 'import', 'hm', '--articles', 'a.csv', '--transactions', 't.csv', '--images', 'i']));
  assert.equal(noOut.result, 2);
  assert.match(noOut.err, /needs --out/);
  const size = await quietly(() => main(['data', 'import', 'hm', '--articles', 'a', '--transactions', 't', '--images', 'i', '--out', 'o', '--size', '100']));
  assert.match(size.err, /--size must be 64 or 128, got '100'/);
  assert.equal(dayNumber('2020-02-30'), null);
  assert.equal(dayNumber('1970-01-02'), 1);
});

test("npm run demo -- --hm DIR finds the competition's and the subset's file names, and names what is missing", async () => {
  const dir = await hmFolder();
  assert.deepEqual(findHmFiles(dir), {
    articles: path.join(dir, 'articles.csv'),
    transactions: path.join(dir, 'transactions.csv'),
    customers: undefined,
    images: path.join(dir, 'images'),
  });
  // The GitHub subset's names (articles_train_sample.csv, transactions_train_sample.csv, customers_sample.csv).
  renameSync(path.join(dir, 'articles.csv'), path.join(dir, 'articles_train_sample.csv'));
  writeFileSync(path.join(dir, 'customers_sample.csv'), 'customer_id\n');
  const found = findHmFiles(dir);
  assert.equal(path.basename(found.articles), 'articles_train_sample.csv');
  assert.equal(path.basename(found.customers!), 'customers_sample.csv');
  writeFileSync(path.join(dir, 'transactions_2.csv'), '');
  assert.throws(() => findHmFiles(dir), /2 transactions\*\.csv files \(transactions\.csv, transactions_2\.csv\); keep one/);
  assert.throws(() => findHmFiles(path.join(dir, 'images', '010')), /no articles\*\.csv/);
  assert.throws(() => findHmFiles(path.join(dir, 'nope')), /not a folder/);
  const noImages = await hmFolder([], false);
  assert.throws(() => findHmFiles(noImages), /no images\/ folder/);
});
