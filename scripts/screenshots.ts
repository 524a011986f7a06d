// Screenshots of the web page for docs/serving.md: serves a run on loopback (as `pfd serve`
// starts: catalog codes and a page-shaped request per category warmed), drives Debian's
// chromium with playwright-core as a person would, and saves
//   OUT/serve-desktop.png   a catalog item chosen, the designs for its user and three others
//   OUT/serve-photo.png     an uploaded photo as the query
//   OUT/serve-grid.png      the query x user grid
//   OUT/serve-phone.png     a phone (390 x 844), after choosing an item
//   npx tsx scripts/screenshots.ts --run runs/demo/pretrained [--photo FILE] [--out docs/images]
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { DesignService, DEFAULT_SERVICE } from '../src/serve/service.js';
import { buildApp } from '../src/serve/app.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    photo: { type: 'string' },
    out: { type: 'string', default: 'docs/images' },
    user: { type: 'string' },
  },
});
if (!values.run) throw new Error('screenshots needs --run DIR');
const out = path.resolve(values.out!);
mkdirSync(out, { recursive: true });
const service = new DesignService(values.run, { ...DEFAULT_SERVICE, batchWaitMs: 2 });
await service.warmCatalogCodes();
await service.warmRequests();
const app = buildApp(service);
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.PFD_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
// Every image of the designs, the grid and the query loaded (the catalog's off-screen thumbnails load lazily).
const allLoaded = () =>
  [...document.querySelectorAll('#results img, #grid img, #preview, #queries img')]
    .filter((i) => i.getBoundingClientRect().top < window.innerHeight * 3)
    .every((i) => !(i as HTMLImageElement).src || ((i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base);
  await page.waitForSelector('#queries img');
  if (values.user) await page.selectOption('#user', values.user);
  await page.click('#queries img >> nth=4');
  await page.waitForSelector('#results .column .design');
  await page.waitForFunction(allLoaded);
  await page.screenshot({ path: path.join(out, 'serve-desktop.png'), fullPage: true });
  if (values.photo) {
    await page.setInputFiles('#photo', values.photo);
    await page.waitForFunction(() => /your photo/.test(document.getElementById('status')!.textContent!));
    await page.waitForFunction(allLoaded);
    await page.locator('#designs').screenshot({ path: path.join(out, 'serve-photo.png') });
  }
  await page.click('#queries img >> nth=4');
  await page.click('#gridbutton');
  await page.waitForSelector('#grid table tbody tr');
  await page.waitForFunction(allLoaded);
  await page.locator('#compare').screenshot({ path: path.join(out, 'serve-grid.png') });
  await page.close();
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.goto(base);
  await phone.waitForSelector('#queries img');
  await phone.click('#queries img >> nth=4');
  await phone.waitForSelector('#results .column .design');
  await phone.waitForFunction(allLoaded);
  await phone.screenshot({ path: path.join(out, 'serve-phone.png') });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await app.close();
  await service.close();
}
