// `pfd design`: designs the complementary item for a query and one user, or a
// grid for one query across many users (the paper's Fig. 7).
import { existsSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import * as T from '../torch/index.js';
import { openRun, overrideColourHistory } from '../run/trained_model.js';
import { loadDataset } from '../data/load.js';
import { loadImageBytes, bytesToUnit, tensorToPng, imageGridPng } from '../data/images.js';
import { designGrid } from '../run/samples.js';
import { complementOf, type Category } from '../models/designer.js';
import { UsageError } from './errors.js';

export const DESIGN_USAGE = `pfd design --run DIR --query IMAGE_OR_ITEM_ID (--user U | --users U1,U2,...|all) [--as top|bottom] [--out FILE.png] [--scale N]
                [--colour-history A]`;

/** An image file through the training pipeline (pad to square on white, resize, [-1, 1]): [1, 3, S, S], kept. */
async function queryImage(file: string, size: number): Promise<T.Tensor> {
  const bytes = await loadImageBytes(file, size);
  return T.keep(T.tidy(() => bytesToUnit(T.tensor(bytes, { dtype: 'uint8', shape: [1, 3, size, size] }))));
}

/** The query as an image tensor [1, 3, S, S] at the model's image size, and its category. */
export async function resolveQuery(
  query: string,
  as: string | undefined,
  dataSpec: Parameters<typeof loadDataset>[0],
  designs: Category[],
  size: number,
): Promise<{ image: T.Tensor; category: Category; name: string }> {
  if (as !== undefined && as !== 'top' && as !== 'bottom') throw new UsageError(`--as must be top or bottom, got '${as}'`);
  if (existsSync(query) && statSync(query).isFile()) {
    const category = (as as Category | undefined) ?? (designs.length === 1 ? complementOf(designs[0]!) : undefined);
    if (!category) throw new UsageError(`this model designs both tops and bottoms: say what ${query} is with --as top or --as bottom`);
    return { image: await queryImage(query, size), category, name: path.parse(query).name };
  }
  const d = loadDataset(dataSpec);
  const matches = (id: string) => id === query || path.parse(id).name === query;
  const hits = (
    [
      ['top', d.tops],
      ['bottom', d.bottoms],
    ] as const
  ).flatMap(([c, items]) => items.filter((it) => matches(it.id)).map((it) => ({ c, it })));
  if (hits.length === 0)
    throw new UsageError(`--query '${query}' is neither an image file nor an item of the run's dataset (${dataSpec.path})`);
  if (hits.length > 1 && !as) throw new UsageError(`--query '${query}' names both a top and a bottom: add --as top or --as bottom`);
  const hit = hits.find((h) => !as || h.c === as) ?? hits[0]!;
  return { image: await queryImage(hit.it.path, size), category: hit.c, name: path.parse(hit.it.id).name };
}

export async function designCommand(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      run: { type: 'string' },
      user: { type: 'string' },
      users: { type: 'string' },
      query: { type: 'string' },
      as: { type: 'string' },
      out: { type: 'string' },
      scale: { type: 'string', default: '1' },
      'colour-history': { type: 'string' },
    },
    strict: true,
  });
  if (!v.run) throw new UsageError('pfd design needs --run DIR (a folder written by pfd train)');
  if (!v.query) throw new UsageError('pfd design needs --query IMAGE_OR_ITEM_ID');
  if (!v.user === !v.users) throw new UsageError('pfd design needs exactly one of --user U or --users U1,U2,...|all');
  const scale = Number(v.scale);
  if (!Number.isInteger(scale) || scale < 1 || scale > 16)
    throw new UsageError(`--scale must be an integer from 1 to 16, got '${v.scale}'`);
  // --colour-history A: the colour history's weight (colour-history models; 0 = the mode head alone).
  const history = v['colour-history'] === undefined ? undefined : Number(v['colour-history']);
  if (history !== undefined && !(Number.isFinite(history) && history >= 0))
    throw new UsageError(`--colour-history must be a number >= 0, got '${v['colour-history']}'`);
  const trained = openRun(v.run);
  try {
    try {
      overrideColourHistory(trained, history);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const userIds = v.user
      ? [v.user]
      : v.users === 'all'
        ? trained.users
        : v
            .users!.split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    const users = userIds.map((u) => trained.userIndex(u));
    const q = await resolveQuery(v.query, v.as, trained.config.data, trained.model.config.targets, trained.imageSize);
    const target = complementOf(q.category);
    if (!trained.model.config.targets.includes(target))
      throw new UsageError(
        `this model designs ${trained.model.config.targets.join(' and ')}s only, so its query must be a ${complementOf(trained.model.config.targets[0]!)}, but ${v.query} is a ${q.category}`,
      );
    let png: Buffer;
    try {
      if (users.length === 1) {
        const img = T.tidy(() => T.keep(T.select(trained.model.design(q.image, T.tensor(users, { dtype: 'int64' }), target), 0, 0)));
        png = await tensorToPng(img);
        img.dispose();
      } else {
        const grid = T.tidy(() => T.keep(designGrid(trained.model, q.image, target, users)));
        png = await imageGridPng(grid, 1 + users.length);
        grid.dispose();
      }
    } finally {
      q.image.dispose();
    }
    if (scale > 1) {
      const meta = await sharp(png).metadata();
      png = await sharp(png)
        .resize(meta.width! * scale, meta.height! * scale, { kernel: 'nearest' })
        .png()
        .toBuffer();
    }
    const out = path.resolve(
      v.out ?? path.join(trained.run.dir, 'designs', `${q.name}-${users.length === 1 ? userIds[0] : `${users.length}-users`}.png`),
    );
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, png);
    console.log(
      users.length === 1
        ? `designed a ${target} for user ${userIds[0]} and query ${v.query} (${q.category}): ${out}`
        : `designed a ${target} for each of ${users.length} users and query ${v.query} (${q.category}), query first: ${out}`,
    );
  } finally {
    trained.dispose();
  }
}
