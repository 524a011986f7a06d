// `pfd retrieve`: design-and-retrieve (Fig. 6): the design for (query, user) and the
// k nearest real catalog items, as a picture (query, design, items; one row per
// user) and as JSON; or, with --evaluate, the oracle's figures for every retrieval
// method on test cases of a synthetic world.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as T from '../torch/index.js';
import { openRun } from '../run/trained_model.js';
import { checkSameUsers } from '../run/run_dir.js';
import { loadDataset, imageCacheDir } from '../data/load.js';
import { loadSplitImages } from '../data/cache.js';
import { loadImageBytes, bytesToUnit, imageGridPng } from '../data/images.js';
import { loadWorldGroundTruth } from '../data/world/ground_truth.js';
import { complementOf } from '../models/designer.js';
import { requireDesigner } from '../models/fashion_model.js';
import { openCatalogIndex, RETRIEVAL_EMBEDDINGS, type RetrievalEmbedding } from '../retrieval/catalog_index.js';
import { designAndRetrieve, RETRIEVAL_RANKINGS, type RetrievalRanking } from '../retrieval/retrieve.js';
import { evaluateRetrieval } from '../retrieval/evaluate_retrieval.js';
import { resolveQuery } from './design.js';
import { phasedProgress } from './progress.js';
import { UsageError } from './errors.js';
export { RETRIEVE_USAGE } from './retrieve_usage.js';

const posInt = (name: string, v: string | undefined, fallback: number) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  return n;
};

export async function retrieveCommand(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      run: { type: 'string' },
      query: { type: 'string' },
      user: { type: 'string' },
      users: { type: 'string' },
      as: { type: 'string' },
      k: { type: 'string' },
      embedding: { type: 'string', default: 'code' },
      rank: { type: 'string', default: 'nearest' },
      candidates: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      device: { type: 'string', default: 'cpu' },
      evaluate: { type: 'boolean' },
      n: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (!v.run) throw new UsageError('pfd retrieve needs --run DIR (a folder written by pfd train)');
  if (!(RETRIEVAL_EMBEDDINGS as readonly string[]).includes(v.embedding!))
    throw new UsageError(`--embedding must be one of ${RETRIEVAL_EMBEDDINGS.join(', ')}, got '${v.embedding}'`);
  if (!(RETRIEVAL_RANKINGS as readonly string[]).includes(v.rank!))
    throw new UsageError(`--rank must be one of ${RETRIEVAL_RANKINGS.join(', ')}, got '${v.rank}'`);
  const k = posInt('k', v.k, 5),
    candidates = posInt('candidates', v.candidates, 50),
    device = T.parseDevice(v.device!);
  if (!v.evaluate) {
    if (!v.query) throw new UsageError('pfd retrieve needs --query IMAGE_OR_ITEM_ID (or --evaluate)');
    if (!v.user === !v.users) throw new UsageError('pfd retrieve needs exactly one of --user U or --users U1,U2,...');
  }
  const trained = openRun(v.run, device);
  const progress = phasedProgress();
  try {
    requireDesigner(trained.model, 'design-and-retrieve');
    const dataset = loadDataset(trained.config.data);
    checkSameUsers(dataset.users, trained.users.slice(0, trained.trainedUsers), trained.config.data.path, trained.run.dir);
    if (v.evaluate) {
      const truth = loadWorldGroundTruth(trained.config.data.path);
      if (!truth)
        throw new UsageError(
          `--evaluate needs a synthetic world's oracle; ${trained.config.data.path} is not a world made by 'pfd data make'`,
        );
      truth.oracle?.dispose();
      const test = await loadSplitImages(dataset, 'test', trained.imageSize, imageCacheDir(trained.config.data), {
        skipBad: trained.config.data.skipBad,
        onProgress: (a, b) => progress.update('caching test images', a, b),
      });
      try {
        const r = await evaluateRetrieval(trained, dataset, test, truth.world, {
          n: posInt('n', v.n, 200),
          k,
          candidates,
          seed: posInt('seed', v.seed, 1),
          device,
          onProgress: progress.update,
        });
        progress.stop();
        const md = [
          `# Retrieval quality (oracle), ${r.cases} test cases, k = ${k}`,
          '',
          `Run \`${trained.run.dir}\` (iteration ${trained.iteration}).`,
          '',
          '| method | compat(query, item) | taste(user, outfit) | ms per query |',
          '|---|---|---|---|',
          ...r.rows.map((x) => `| ${x.method} | ${x.compat.toFixed(4)} | ${x.taste.toFixed(4)} | ${x.ms_per_query.toFixed(1)} |`),
          '',
        ].join('\n');
        const out = path.resolve(v.out ?? path.join(trained.run.dir, 'eval'));
        mkdirSync(out, { recursive: true });
        writeFileSync(path.join(out, 'retrieval.md'), md);
        writeFileSync(
          path.join(out, 'retrieval.json'),
          JSON.stringify({ run: trained.run.dir, iteration: trained.iteration, k, candidates, ...r }, null, 2) + '\n',
        );
        console.log(md);
        console.log(`written: ${path.join(out, 'retrieval.md')}, retrieval.json`);
      } finally {
        test.dispose();
      }
      return;
    }
    const userIds = v.user
      ? [v.user]
      : v
          .users!.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
    const users = userIds.map((u) => trained.userIndex(u));
    const q = await resolveQuery(v.query!, v.as, trained.config.data, trained.model.config.targets, trained.imageSize);
    const target = complementOf(q.category);
    const query = T.keep(T.toDevice(q.image, device));
    q.image.dispose();
    try {
      if (!trained.model.config.targets.includes(target))
        throw new UsageError(`this model designs ${trained.model.config.targets.join(' and ')}s only, but ${v.query} is a ${q.category}`);
      const index = await openCatalogIndex(trained, dataset, target, v.embedding as RetrievalEmbedding, {
        device,
        onProgress: progress.update,
      });
      progress.stop();
      console.log(
        `${index.built ? 'built' : 'read'} the ${target} index (${index.items.length} items, ${index.embedding}) in ${index.seconds.toFixed(2)} s: ${path.relative(process.cwd(), index.file)}`,
      );
      const list = target === 'top' ? dataset.tops : dataset.bottoms;
      const tiles: T.Tensor[] = [];
      const results = [];
      try {
        for (const [i, u] of users.entries()) {
          const t0 = performance.now();
          const r = designAndRetrieve(trained, dataset, index, query, u, { k, ranking: v.rank as RetrievalRanking, candidates, device });
          const ms = performance.now() - t0;
          results.push({ user: userIds[i], ms, items: r.items });
          console.log(`user ${userIds[i]}: designed and retrieved in ${ms.toFixed(1)} ms`);
          for (const [j, x] of r.items.entries())
            console.log(`  ${j + 1}. ${x.id}  distance ${x.distance.toFixed(3)}  s_{u,o} ${x.score.toFixed(3)}`);
          tiles.push(T.keep(T.toDevice(query, 'cpu')), T.keep(T.toDevice(r.design, 'cpu')));
          r.design.dispose();
          for (const x of r.items) {
            const b = await loadImageBytes(list[x.item]!.path, trained.imageSize);
            tiles.push(
              T.keep(T.tidy(() => bytesToUnit(T.tensor(b, { dtype: 'uint8', shape: [1, 3, trained.imageSize, trained.imageSize] })))),
            );
          }
          for (let pad = r.items.length; pad < k; pad++) tiles.push(T.keep(T.ones([1, 3, trained.imageSize, trained.imageSize])));
        }
        const grid = T.tidy(() => T.keep(T.cat(tiles)));
        const png = await imageGridPng(grid, 2 + k);
        grid.dispose();
        const out = path.resolve(
          v.out ?? path.join(trained.run.dir, 'retrieved', `${q.name}-${users.length === 1 ? userIds[0] : `${users.length}-users`}.png`),
        );
        mkdirSync(path.dirname(out), { recursive: true });
        writeFileSync(out, png);
        const json = {
          run: trained.run.dir,
          iteration: trained.iteration,
          query: v.query,
          query_category: q.category,
          designed: target,
          embedding: index.embedding,
          ranking: v.rank,
          k,
          results,
        };
        if (v.json) {
          mkdirSync(path.dirname(path.resolve(v.json)), { recursive: true });
          writeFileSync(path.resolve(v.json), JSON.stringify(json, null, 2) + '\n');
        }
        console.log(`picture (per row: query, design, ${k} retrieved items): ${out}${v.json ? `\njson: ${path.resolve(v.json)}` : ''}`);
      } finally {
        T.dispose(tiles);
        index.dispose();
      }
    } finally {
      query.dispose();
    }
  } finally {
    progress.stop();
    trained.dispose();
  }
}
