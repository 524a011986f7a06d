// Probe (docs/training.md, thirteenth round): what a model with design modes (--design-modes K,
// or --colour-modes L: K = L^3) draws in each mode, and how the model's choice among them (M's,
// or its mode head's) does under the oracle. For N test cases of a synthetic world, every mode's
// design is read by the oracle classifier; printed: taste and compat of the model's choice, of
// the mode nearest M's pick among training complements, of each mode, of a random mode and of
// the oracle's best mode (the ceiling of any choice), and how many colours the K modes span.
// Writes OUT.png (default <run>/eval/modes.png): rows = the first 8 cases, columns = query,
// the K modes (the model's choice framed in black), ground truth.
// Usage: npx tsx scripts/probe_design_modes.ts RUN_DIR [N] [OUT.png]
import path from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import * as T from '../src/torch/index.js';
import { openRun } from '../src/train/trained_model.js';
import { loadDataset, imageCacheDir } from '../src/data/load.js';
import { loadSplitImages, splitItemBytes } from '../src/data/cache.js';
import { bytesToUnit, imageGridPng } from '../src/data/images.js';
import { evalCases } from '../src/eval/designs.js';
import { classifyAll } from '../src/eval/oracle_metrics.js';
import { loadWorldGroundTruth } from '../src/data/world/ground_truth.js';
import { WorldOracle } from '../src/data/world/world.js';
import type { ItemAttributes } from '../src/data/world/attributes.js';
import { modeIndex, repeatForModes } from '../src/models/design_modes.js';
import { binLogFrequencies, colourBins, colourHistory } from '../src/models/colour_modes.js';
import { imageBins } from '../src/train/colour_history.js';
import { complementOf, type Category } from '../src/models/designer.js';
import { requireDesigner } from '../src/models/fashion_model.js';
import { mPicks } from '../src/models/m_pick.js';
import { Rng } from '../src/data/rng.js';

const [dir, nArg, outArg] = process.argv.slice(2);
const n = Number(nArg ?? 400);
if (!dir || !Number.isInteger(n) || n < 1) {
  console.error('usage: npx tsx scripts/probe_design_modes.ts RUN_DIR [N test cases, default 400] [OUT.png]');
  process.exit(2);
}
const trained = openRun(dir);
const model = requireDesigner(trained.model, 'the design-modes probe');
if (model.modes < 2) throw new Error(`${dir}: its model has no design modes (train with --design-modes K)`);
const K = model.modes;
const cfg = trained.config;
const dataset = loadDataset(cfg.data);
const gt = loadWorldGroundTruth(cfg.data.path);
if (!gt?.oracle) throw new Error(`${cfg.data.path} is not a synthetic world with an oracle classifier`);
const oracle = new WorldOracle(gt.world);
const test = await loadSplitImages(dataset, 'test', 64, imageCacheDir(cfg.data), { skipBad: cfg.data.skipBad });
const cases = evalCases(test, model.config.targets, trained.users.length, n, 1);
// A catalog for M's pick: P random training complements per category (images and codes).
const P = 512;
const train = await loadSplitImages(dataset, 'train', 64, imageCacheDir(cfg.data), { skipBad: cfg.data.skipBad });
const rng = new Rng(1, 'probe-modes-catalog');
const catalog = Object.fromEntries((['top', 'bottom'] as Category[]).map((c) => {
  const ids = rng.shuffle([...(c === 'top' ? train.topRow : train.bottomRow).keys()]).slice(0, P);
  const images = T.keep(bytesToUnit(splitItemBytes(train, c, ids))); // [P, 3, S, S]
  const bins = model.config.colourModes ? imageBins(splitItemBytes(train, c, ids), model.config.colourModes) : [];
  return [c, { ids, images, codes: T.keep(model.queryCodes(images)), small: T.keep(T.adaptiveAvgPool2d(images, 16)), bins }];
})) as Record<Category, { ids: number[]; images: T.Tensor; codes: T.Tensor; small: T.Tensor; bins: number[] }>;

// Each user's colour history: how often each colour bin occurs among the complements of each
// category in the user's training outfits (add-one smoothed), as log-frequencies.
const userPrior = new Map<string, number[]>();
if (model.config.colourModes) {
  const L = model.config.colourModes;
  const binsOf = (c: Category) => imageBins(c === 'top' ? train.tops : train.bottoms, L);
  const bins = { top: binsOf('top'), bottom: binsOf('bottom') };
  for (const o of train.outfits) {
    for (const c of ['top', 'bottom'] as Category[]) {
      const key = `${o.user}:${c}`;
      const h = userPrior.get(key) ?? new Array(K).fill(1);
      h[bins[c][(c === 'top' ? train.topRow : train.bottomRow).get(c === 'top' ? o.top : o.bottom)!]!]++;
      userPrior.set(key, h);
    }
  }
  // The categories' overall bin frequencies, for the lift log p(bin | user) - log p(bin).
  for (const c of ['top', 'bottom'] as Category[]) {
    const all = new Array(K).fill(1);
    for (const [key, h] of userPrior) if (key.endsWith(`:${c}`)) h.forEach((x, k) => { all[k] += x - 1; });
    userPrior.set(`all:${c}`, all);
  }
  for (const [key, h] of userPrior) { const sum = h.reduce((a, b) => a + b, 0); userPrior.set(key, h.map((x) => Math.log(x / sum))); }
  // The lift as --colour-history counts it (colour_modes.ts colourHistory).
  for (const c of ['top', 'bottom'] as Category[]) {
    const binOf = train.outfits.map((o) => bins[c][(c === 'top' ? train.topRow : train.bottomRow).get(c === 'top' ? o.top : o.bottom)!]!);
    const h = colourHistory(train.outfits.map((o) => o.user), binOf, trained.trainedUsers, K, binLogFrequencies(binOf, K));
    const v = Array.from(h.toArray() as ArrayLike<number>, Number);
    for (let u = 0; u < trained.trainedUsers; u++) userPrior.set(`lift ${u}:${c}`, v.slice(u * K, (u + 1) * K));
    h.dispose();
  }
}

// Other ways to choose a mode (colour models): M's score of each mode's design among the head's
// first k bins, the colour bin of M's pick among the catalog, and the head's first k bins
// ranked by the best catalog item M scores in each.
const topK = (xs: number[], k: number) => xs.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).slice(0, k).map(([, i]) => i);
function strategies(logits: number[], sDesign: number[], sCat: number[], bins: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  const best = (ids: number[], score: (i: number) => number) => ids.reduce((a, b) => (score(b) > score(a) ? b : a));
  for (const k of [2, 3, 5]) out[`M on designs, head top ${k}`] = best(topK(logits, k), (i) => sDesign[i]!);
  out['M on designs, all modes'] = best(sDesign.map((_, i) => i), (i) => sDesign[i]!);
  const order = topK(sCat, sCat.length);
  out["bin of M's catalog pick"] = bins[order[0]!]!;
  for (const m of [5, 15]) {
    const votes = new Map<number, number>();
    for (const j of order.slice(0, m)) votes.set(bins[j]!, (votes.get(bins[j]!) ?? 0) + 1);
    out[`commonest bin of M's top ${m} catalog`] = [...votes.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  }
  const catBest = new Map<number, number>();
  sCat.forEach((s, j) => catBest.set(bins[j]!, Math.max(catBest.get(bins[j]!) ?? -Infinity, s)));
  for (const k of [2, 3, 5]) out[`head top ${k}, ranked by M's best catalog item`] = best(topK(logits, k), (i) => catBest.get(i) ?? -Infinity);
  return out;
}

// Per case: the K modes' designs [K, 3, S, S], M's choice, the query and truth images.
const rows: { modes: T.Tensor; choice: number; nearPick: number; pick: number; query: T.Tensor; truth: T.Tensor; other: Record<string, number> }[] = [];
model.eval();
T.noGrad(() => {
  for (const c of cases) {
    T.tidy(() => {
      const q = bytesToUnit(splitItemBytes(test, complementOf(c.target), [c.query])); // [1, 3, S, S]
      const t = bytesToUnit(splitItemBytes(test, c.target, [c.truth]));
      const u = T.tensor([c.user], { dtype: 'int64' });
      model.autocast(() => {
        const zq = model.encoder.forward(model.images(q)); // [1, latent]
        const [zqK, uK] = [repeatForModes(zq, K), repeatForModes(u, K)];
        const G = model.generator(c.target as Category);
        const designs = T.toDtype(G.forward(model.generatorInput(zqK, uK), modeIndex(K, 1, 'cpu')), 'float32'); // [K, 3, S, S]
        // (colour models: the head's first bin, with the model's colour history where it has one)
        const choice = model.colourModes ? G.forwardWithPrior(model.generatorInput(zq, u), undefined, model.colourBias(u, c.target as Category)).modes.item() : model.chooseMode(zqK, uK, designs, 1).item();
        // The mode nearest (16 x 16 pooled L1) to the catalog item M ranks first for (q, u).
        const cat = catalog[c.target as Category];
        const pick = mPicks(model, u, T.toDtype(zq, 'float32'), cat.codes).item();
        const dist = T.mean(T.abs(T.sub(T.adaptiveAvgPool2d(designs, 16), T.narrow(cat.small, 0, pick, 1))), [1, 2, 3]); // [K]
        let other: Record<string, number> = {};
        if (model.colourModes) {
          const logits = G.forwardWithPrior(model.generatorInput(zq, u)).logits.toArray(); // [K]
          const fp32 = (fn: () => T.Tensor) => T.withPrecision('fp32', 'cpu', fn).toArray();
          const zd = model.encoder.forward(model.images(designs)); // [K, latent]
          const sDesign = fp32(() => model.score(uK, T.toDtype(zqK, 'float32'), T.toDtype(zd, 'float32')));
          const Pn = cat.codes.size(0);
          const sCat = fp32(() => model.score(repeatForModes(u, Pn), T.toDtype(repeatForModes(zq, Pn), 'float32'), cat.codes));
          other = strategies(logits, sDesign, sCat, cat.bins);
          const prior = userPrior.get(`${c.user}:${c.target}`) ?? userPrior.get(`all:${c.target}`)!; // (no outfits: everyone's, lift 0)
          const lsm = (() => { const m = Math.max(...logits); const z = Math.log(logits.reduce((a, x) => a + Math.exp(x - m), 0)) + m; return logits.map((x) => x - z); })();
          const arg = (xs: number[]) => xs.indexOf(Math.max(...xs));
          other["the user's commonest bin"] = arg(prior);
          for (const a of [0.5, 1, 2]) other[`head + ${a} x user's log-frequency`] = arg(lsm.map((x, k) => x + a * prior[k]!));
          for (const k of [2, 3, 5]) {
            const top = topK(lsm, k);
            other[`head top ${k}, ranked by head + 2 x user's log-frequency`] = top.reduce((a, b) => (lsm[b]! + 2 * prior[b]! > lsm[a]! + 2 * prior[a]! ? b : a));
          }
          other['head alone'] = arg(lsm);
          const lift = userPrior.get(`lift ${c.user}:${c.target}`)!;
          for (const a of [1, 2, 3]) other[`head + ${a} x user's lift`] = arg(lsm.map((x, k) => x + a * lift[k]!));
        }
        rows.push({ modes: T.keep(T.contiguous(designs)), choice, nearPick: T.argmin(dist, 0).item(), pick, query: T.keep(q.clone()), truth: T.keep(t.clone()), other });
      });
    });
  }
});

const read = classifyAll(gt.oracle, T.cat(rows.map((r) => r.modes), 0)); // [N * K]
const item = (category: Category, idx: number) => oracle.item(path.parse((category === 'top' ? dataset.tops : dataset.bottoms)[idx]!.id).name);
const sum = { nearPick: { c: 0, t: 0 }, pick: { c: 0, t: 0 }, chosen: { c: 0, t: 0 }, random: { c: 0, t: 0 }, bestTaste: { c: 0, t: 0 }, truth: { c: 0, t: 0 }, perMode: Array.from({ length: K }, () => ({ c: 0, t: 0, chosen: 0 })) };
let colours = 0, chosenIsBestTaste = 0, binKept = 0;
const otherSums: Record<string, { c: number; t: number }> = {};
const binsByUser: Record<string, Map<number, Set<number>>> = {}; // per choice: the bins each user's designs took
const binCounts: Record<string, Map<number, number>> = {}; // per choice: how often each bin was chosen
const levels = model.config.colourModes ?? 0;
if (levels) {
  const all = colourBins(T.cat(rows.map((r) => r.modes), 0), levels).toArray(); // [N * K]
  console.log(`  every mode's design is in its own colour bin in ${(all.filter((b, i) => b === i % K).length / all.length * 100).toFixed(0)}% of (case, mode) pairs`);
}
if (levels) binKept = colourBins(T.stack(rows.map((r) => T.select(r.modes, 0, r.choice))), levels).toArray().filter((b, i) => b === rows[i]!.choice).length;
cases.forEach((c, i) => {
  const q = item(complementOf(c.target), c.query);
  const outfit = (x: ItemAttributes): [ItemAttributes, ItemAttributes] => (c.target === 'bottom' ? [q, x] : [x, q]);
  const user = dataset.users[c.user]!;
  const mode = (k: number) => read[i * K + k]!;
  const taste = Array.from({ length: K }, (_, k) => oracle.pref(user, ...outfit(mode(k))));
  const compat = Array.from({ length: K }, (_, k) => oracle.compat(...outfit(mode(k))));
  const ch = rows[i]!.choice;
  sum.chosen.c += compat[ch]!; sum.chosen.t += taste[ch]!;
  const np = rows[i]!.nearPick;
  sum.nearPick.c += compat[np]!; sum.nearPick.t += taste[np]!;
  const pickItem = item(c.target, catalog[c.target].ids[rows[i]!.pick]!);
  sum.pick.c += oracle.compat(...outfit(pickItem)); sum.pick.t += oracle.pref(user, ...outfit(pickItem));
  sum.random.c += compat.reduce((a, b) => a + b, 0) / K; sum.random.t += taste.reduce((a, b) => a + b, 0) / K;
  const best = taste.indexOf(Math.max(...taste));
  sum.bestTaste.c += compat[best]!; sum.bestTaste.t += taste[best]!;
  if (taste[ch] === taste[best]) chosenIsBestTaste++;
  const truth = item(c.target, c.truth);
  sum.truth.c += oracle.compat(...outfit(truth)); sum.truth.t += oracle.pref(user, ...outfit(truth));
  for (let k = 0; k < K; k++) { sum.perMode[k]!.c += compat[k]!; sum.perMode[k]!.t += taste[k]!; }
  for (const [name, k] of Object.entries(rows[i]!.other)) {
    const o = (otherSums[name] ??= { c: 0, t: 0 });
    const perUser = (binsByUser[name] ??= new Map());
    perUser.set(c.user, (perUser.get(c.user) ?? new Set()).add(k));
    (binCounts[name] ??= new Map()).set(k, (binCounts[name]!.get(k) ?? 0) + 1);
    o.c += compat[k]!; o.t += taste[k]!;
  }
  sum.perMode[ch]!.chosen++;
  colours += new Set(Array.from({ length: K }, (_, k) => mode(k).colour)).size;
});
const f = (x: { c: number; t: number }) => `compat ${(x.c / n).toFixed(3)}, taste ${(x.t / n).toFixed(3)}`;
console.log(`${dir}: ${K} design modes, ${n} test cases`);
const chooser = levels ? (model.colourHistoryWeight > 0 ? `the head's choice with the colour history at ${model.colourHistoryWeight}` : "the head's choice") : "M's choice";
console.log(`  ${chooser} (what pfd designs): ${f(sum.chosen)}${levels ? `; the design's own colour bin is the chosen one in ${(binKept / n * 100).toFixed(0)}% of cases` : ''}`);
console.log(`  the mode nearest M's pick:     ${f(sum.nearPick)} (M's pick among ${P} training complements itself: ${f(sum.pick)})`);
console.log(`  a random mode:                 ${f(sum.random)}`);
console.log(`  the oracle's best-taste mode:  ${f(sum.bestTaste)} (${chooser} is it in ${(chosenIsBestTaste / n * 100).toFixed(0)}% of cases; chance ${(100 / K).toFixed(0)}%)`);
console.log(`  ground truth:                  ${f(sum.truth)}`);
for (const [name, o] of Object.entries(otherSums)) {
  const users = [...binsByUser[name]!.values()];
  const counts = [...binCounts[name]!.values()];
  const entropy = -counts.reduce((a, x) => a + (x / n) * Math.log(x / n), 0);
  console.log(`  ${name}: ${f(o)}; bins per user ${(users.reduce((a, x) => a + x.size, 0) / users.length).toFixed(2)}, entropy of the bins ${entropy.toFixed(2)} nats`);
}
sum.perMode.forEach((m, k) => console.log(`  mode ${k}: ${f(m)}, ${chooser} in ${(m.chosen / n * 100).toFixed(0)}% of cases`));
console.log(`  colours among the ${K} modes of a case, as the oracle reads them: ${(colours / n).toFixed(2)} on average`);

// The grid: query | K modes (M's choice framed) | ground truth, for the first 8 cases.
const framed = (x: T.Tensor) => T.tidy(() => {
  const inner = T.narrow(T.narrow(x, 1, 2, 60), 2, 2, 60); // [3, 60, 60]
  return T.keep(T.pad(inner, [2, 2, 2, 2], -1));
});
const cells: T.Tensor[] = [];
for (const r of rows.slice(0, 8)) {
  cells.push(T.select(r.query, 0, 0));
  for (let k = 0; k < K; k++) cells.push(k === r.choice ? framed(T.select(r.modes, 0, k)) : T.select(r.modes, 0, k));
  cells.push(T.select(r.truth, 0, 0));
}
const out = outArg ?? path.join(trained.run.dir, 'eval', 'modes.png');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, await imageGridPng(T.stack(cells), K + 2));
console.log(`  grid (query | modes, ${chooser} framed | ground truth): ${out}`);
