// The web page in a real browser: Debian's chromium driven by playwright-core
// (installed by the project's set-up; no browser download) loads the page of a
// server on loopback, picks a user and a query, and sees the designs and the
// retrieved real items appear; then makes a new user by clicking outfits; then
// each thing a person was misled by (docs/serving.md): the photo's category,
// errors, the query shown, counts after Create, photo sizes, long names and the
// phone, the top/bottom switch, the query x user grid and portrait photos.
// Screenshots (desktop and phone-sized) are saved under the test's output folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { train } from '../../src/train/trainer.js';
import { DesignService, DEFAULT_SERVICE } from '../../src/serve/service.js';
import { buildApp } from '../../src/serve/app.js';
import { makeManifest, tmp } from '../data/fixtures.js';
import { tinyConfig, tinyWorldWithOracle } from '../train/fixtures.js';

const CHROMIUM = process.env.PFD_CHROMIUM ?? '/usr/bin/chromium';
let service: DesignService,
  app: ReturnType<typeof buildApp>,
  base = '',
  world = '',
  browser: Browser,
  out = '';

before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} not found: the browser test needs Debian's chromium (npm test's set-up installs it as root: apt-get install chromium), or PFD_CHROMIUM=/path`,
    );
  world = await tinyWorldWithOracle();
  const run = path.join(tmp('web'), 'run');
  await train(tinyConfig(world, { iterations: 2 }), run);
  service = new DesignService(run, { ...DEFAULT_SERVICE, batchWaitMs: 2 });
  app = buildApp(service);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  out = path.join(tmp('web'), 'screenshots');
  mkdirSync(out, { recursive: true });
});

after(async () => {
  await browser?.close();
  await app?.close();
  await service?.close();
});

test('the page: pick a user and a query, see designs for that user and others with real items under each', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const failed: string[] = []; // every request of the page answered (no /favicon.ico 404)
  page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
  await page.goto(base);
  await page.waitForSelector('#user option', { state: 'attached' });
  await page.selectOption('#user', 'u0002');
  await page.waitForSelector('#queries img');
  await page.click('#queries img >> nth=0');
  await page.waitForSelector('#results .column .design');
  const columns = await page.locator('#results .column').count();
  assert.equal(columns, 4, 'the chosen user and three others');
  assert.match(await page.locator('#results .column.mine h3').innerText(), /u0002/);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#results .retrieved img')].every(
      (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
    ),
  );
  assert.equal(await page.locator('#results .column.mine .retrieved img').count(), 5, 'five real items under the design');
  const file = path.join(out, 'desktop.png');
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(existsSync(file));
  assert.deepEqual(errors, []);
  assert.deepEqual(failed, []);
  await page.close();
});

test('the page on a phone-sized screen, and a new user made by clicking outfits', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await page.goto(base);
  await page.waitForSelector('#queries img');
  await page.click('#newuser summary');
  await page.click('#outfits .pair >> nth=0');
  await page.click('#outfits .pair >> nth=1');
  await page.fill('#newid', 'webuser');
  const before = Number((await page.locator('#model').innerText()).match(/(\d+) users/)![1]);
  await page.click('#create');
  await page.waitForFunction(() => document.getElementById('createstatus')!.textContent!.includes('learned'));
  assert.equal(await page.inputValue('#user'), 'webuser');
  // The header counts the new user; the form is ready for the next one.
  await page.waitForFunction((n) => document.getElementById('model')!.textContent!.includes(`${n} users`), before + 1);
  assert.equal(await page.inputValue('#newid'), '');
  assert.equal(await page.locator('#outfits .pair.selected').count(), 0);
  assert.ok(await page.locator('#create').isDisabled());
  await page.click('#queries img >> nth=1');
  await page.waitForSelector('#results .column.mine .design');
  assert.match(await page.locator('#results .column.mine h3').innerText(), /webuser/);
  const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth)); // (a phone zooms out to fit a wide element)
  assert.ok(width <= 400, `no horizontal scrolling on a phone (page ${width} px wide)`);
  await page.screenshot({ path: path.join(out, 'phone.png'), fullPage: true });
  assert.ok(service.users().some((u) => u.id === 'webuser' && u.kind === 'created'));
  await page.close();
});

/** A page at the desktop size with the catalog loaded; JavaScript errors collected. */
async function openPage(opts: { url?: string; phone?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage(
    opts.phone ? { viewport: { width: 390, height: 844 }, isMobile: true } : { viewport: { width: 1200, height: 900 } },
  );
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(opts.url ?? base);
  await page.waitForSelector('#queries img');
  return { page, errors };
}

const status = (page: Page) => page.locator('#status').innerText();
const waitStatus = (page: Page, re: RegExp) =>
  page.waitForFunction((src) => new RegExp(src).test(document.getElementById('status')!.textContent!), re.source);
const topPhoto = () => path.join(world, 'images', 't000003.png');

test("the photo's category is chosen before the upload and applies to a photo already uploaded; the photo is shown as the query", async () => {
  const { page, errors } = await openPage();
  const asFirst = await page.evaluate(
    () => !!(document.getElementById('as')!.compareDocumentPosition(document.getElementById('photo')!) & Node.DOCUMENT_POSITION_FOLLOWING),
  );
  assert.ok(asFirst, 'the category selector comes before the file input');
  await page.setInputFiles('#photo', topPhoto());
  await waitStatus(page, /bottoms designed for your photo/);
  assert.ok(await page.locator('#preview').isVisible(), 'the uploaded photo is shown');
  assert.match((await page.getAttribute('#preview', 'src'))!, /^blob:/);
  await page.selectOption('#as', 'bottom');
  await waitStatus(page, /tops designed for your photo/);
  assert.equal(await page.locator('#results .column').count(), 4);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an error clears the results and the highlight; an upload clears the highlight; clearing the search keeps it', async () => {
  const { page } = await openPage();
  const chosen = await page.locator('#queries img >> nth=2').getAttribute('data-id');
  await page.click('#queries img >> nth=2');
  await page.waitForSelector('#results .column .design');
  assert.equal(await page.getAttribute('#queries img.selected', 'data-id'), chosen);
  // Search for something else, then clear the box: the chosen item is still the query, still marked.
  await page.fill('#search', 'zzz-no-such-item');
  await page.waitForFunction(() => document.querySelectorAll('#queries img').length === 0);
  await page.fill('#search', '');
  await page.waitForSelector('#queries img.selected');
  assert.equal(await page.getAttribute('#queries img.selected', 'data-id'), chosen);
  // An upload replaces the item as the query.
  await page.setInputFiles('#photo', topPhoto());
  await waitStatus(page, /your photo/);
  assert.equal(await page.locator('#queries img.selected').count(), 0, 'the catalog item is no longer marked');
  // A file that is not a photo: its error, and no designs that look like an answer to it.
  const txt = path.join(tmp('web'), 'notes.txt');
  writeFileSync(txt, 'not a photo');
  await page.setInputFiles('#photo', txt);
  await page.waitForSelector('#status.error');
  assert.match(await status(page), /must be a JPEG, PNG or WebP/);
  assert.equal(await page.locator('#results .column').count(), 0, 'the previous designs are gone');
  assert.equal(await page.locator('#queries img.selected').count(), 0);
  assert.ok(!(await page.locator('#querybox').isVisible()), 'no query shown for a failed upload');
  await page.close();
});

test('a photo over the size limit is refused in megabytes of the photo, before it is sent', async () => {
  const small = buildApp(service, { bodyLimit: 2 ** 20 }); // 1 MB requests: photos up to 0.7 MB
  const url = await small.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { page } = await openPage({ url });
    assert.match(await page.locator('#photolimit').innerText(), /up to 0\.7 MB/);
    const big = path.join(tmp('web'), 'big.png');
    writeFileSync(big, Buffer.alloc(2 ** 20, 7));
    let sent = 0;
    page.on('request', (r) => void (r.url().endsWith('/api/design') && sent++));
    await page.setInputFiles('#photo', big);
    await page.waitForSelector('#status.error');
    assert.equal(await status(page), 'big.png is 1.0 MB; photos up to 0.7 MB can be designed for');
    assert.equal(sent, 0);
    await page.close();
  } finally {
    await small.close();
  }
});

test('a phone: long user names keep the designs aligned, and the designs scroll into view', async () => {
  const long = 'a-customer-with-a-remarkably-long-name-that-would-wrap-twice';
  const [t, b] = (['top', 'bottom'] as const).map((c) => service.listItems(c, undefined, 0, 1).items[0]!.id);
  await service.createUser(long, [{ top: t!, bottom: b! }]);
  const { page, errors } = await openPage({ phone: true });
  await page.selectOption('#user', long);
  await page.click('#queries img >> nth=0');
  await page.waitForSelector('#results .column.mine .design');
  await page.waitForFunction(() => [...document.querySelectorAll('#results .design')].every((i) => (i as HTMLImageElement).complete));
  const tops = await page.$$eval('#results .column', (cols) =>
    cols.map((c) => [
      c.getBoundingClientRect().top,
      c.querySelector('.design')!.getBoundingClientRect().top - c.getBoundingClientRect().top,
    ]),
  );
  const scoresShown = await page.$$eval('#results .column', (cols) =>
    cols.every((c) => {
      const s = c.querySelector('h3 .score');
      return !!s && s.getBoundingClientRect().right <= c.getBoundingClientRect().right + 0.5 && s.getBoundingClientRect().width > 0;
    }),
  );
  assert.ok(scoresShown, 'a long name is cut, not the score beside it');
  const offsets = new Set(tops.map(([, off]) => Math.round(off!)));
  assert.equal(offsets.size, 1, `each design starts at the same height in its column (${JSON.stringify(tops)})`);
  const top = await page.evaluate(() => document.getElementById('designs')!.getBoundingClientRect().top);
  assert.ok(top >= -1 && top < 844 / 2, `the designs are scrolled into view (their section at ${top} px)`);
  const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth)); // (a phone zooms out to fit a wide element)
  assert.ok(width <= 400, `no horizontal scrolling (${width} px)`);
  await page.screenshot({ path: path.join(out, 'phone-designs.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the catalog shows tops or bottoms, switched by a tab', async () => {
  const { page } = await openPage();
  const ids = async () => page.$$eval('#queries img', (xs) => xs.map((x) => (x as HTMLElement).dataset.id!));
  assert.ok(
    (await ids()).every((id) => id.startsWith('t')),
    'tops first',
  );
  assert.match(await page.locator('#catcount').innerText(), /of \d+ tops/);
  await page.click('#catswitch button[data-category=bottom]');
  await page.waitForFunction(() => (document.querySelector('#queries img') as HTMLElement | null)?.dataset.id?.startsWith('b'));
  assert.ok(
    (await ids()).every((id) => id.startsWith('b')),
    'then bottoms',
  );
  await page.click('#queries img >> nth=0');
  await waitStatus(page, /tops designed for b/);
  await page.close();
});

test('the query x user grid: several catalog items designed for several users, in one request', async () => {
  const { page, errors } = await openPage();
  let requests = 0;
  page.on('request', (r) => void (r.url().endsWith('/api/design/grid') && requests++));
  await page.click('#queries img >> nth=1');
  await page.waitForSelector('#results .column .design');
  await page.click('#gridbutton');
  await page.waitForSelector('#grid table tbody tr');
  const shown = await page.locator('#queries img').count();
  const users = (await page.$$eval('#user option', (o) => o.length)) as number;
  assert.equal(await page.locator('#grid tbody tr').count(), Math.min(6, shown));
  assert.equal(await page.locator('#grid thead th').count(), 1 + Math.min(6, users));
  assert.equal(
    await page.locator('#grid tbody tr >> nth=0 >> td >> nth=0 >> img').getAttribute('alt'),
    await page.locator('#queries img.selected').getAttribute('data-id'),
    'the chosen item is the first row',
  );
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#grid img')].every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0),
  );
  assert.equal(requests, 1);
  await page.screenshot({ path: path.join(out, 'grid.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('real product photos: portrait photos shown whole in square thumbnails', async () => {
  const data = await makeManifest(); // 20 x 30 portrait photos
  const run = path.join(tmp('web'), 'portrait-run');
  await train(tinyConfig(data, { iterations: 1 }), run);
  const svc = new DesignService(run, { ...DEFAULT_SERVICE, batchWaitMs: 2 });
  const a = buildApp(svc);
  const url = await a.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { page, errors } = await openPage({ url });
    await page.waitForFunction(() => [...document.querySelectorAll('#queries img')].every((i) => (i as HTMLImageElement).naturalWidth > 0));
    const boxes = await page.$$eval('#queries img', (xs) =>
      xs.map((x) => {
        const i = x as HTMLImageElement;
        return { w: i.clientWidth, h: i.clientHeight, fit: getComputedStyle(i).objectFit, ratio: i.naturalHeight / i.naturalWidth };
      }),
    );
    for (const b of boxes) {
      assert.equal(b.ratio, 1.5, 'the photo is served as it is');
      assert.equal(b.fit, 'contain', 'shown whole');
      assert.equal(b.w, b.h, 'in a square box, so the grid stays regular');
    }
    await page.click('#queries img >> nth=0');
    await page.waitForSelector('#results .column .design');
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await a.close();
    await svc.close();
  }
});
