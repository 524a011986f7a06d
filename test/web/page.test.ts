// The web page in a real browser: Debian's chromium driven by playwright-core
// (installed by the project's set-up; no browser download) loads the page of a
// server on loopback, picks a user and a query, and sees the designs and the
// retrieved real items appear; then makes a new user by clicking outfits.
// Screenshots (desktop and phone-sized) are saved under the test's output folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { train } from '../../src/train/trainer.js';
import { DesignService, DEFAULT_SERVICE } from '../../src/serve/service.js';
import { buildApp } from '../../src/serve/app.js';
import { tmp } from '../data/fixtures.js';
import { tinyConfig, tinyWorldWithOracle } from '../train/fixtures.js';

const CHROMIUM = process.env.PFD_CHROMIUM ?? '/usr/bin/chromium';
let service: DesignService,
  app: ReturnType<typeof buildApp>,
  base = '',
  browser: Browser,
  out = '';

before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} not found: the browser test needs Debian's chromium (npm test's set-up installs it as root: apt-get install chromium), or PFD_CHROMIUM=/path`,
    );
  const world = await tinyWorldWithOracle();
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
  await page.click('#create');
  await page.waitForFunction(() => document.getElementById('createstatus')!.textContent!.includes('learned'));
  assert.equal(await page.inputValue('#user'), 'webuser');
  await page.click('#queries img >> nth=1');
  await page.waitForSelector('#results .column.mine .design');
  assert.match(await page.locator('#results .column.mine h3').innerText(), /webuser/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 400, `no horizontal scrolling on a phone (page ${width} px wide)`);
  await page.screenshot({ path: path.join(out, 'phone.png'), fullPage: true });
  assert.ok(service.users().some((u) => u.id === 'webuser' && u.kind === 'created'));
  await page.close();
});
