// `pfd users add` behind the command line: new users' outfits (image files) ->
// their theta_u learned against a trained run's frozen snapshot (fold_in.ts) ->
// the next added-users file of that snapshot (added_users.ts). The catalog the
// negatives come from is the run's own training split; the new users' items
// may be in it or not (any image file works).
import path from 'node:path';
import * as T from '../torch/index.js';
import { openRun } from '../run/trained_model.js';
import { checkSameUsers } from '../run/run_dir.js';
import { writeAddedUsers } from './added_users.js';
import { foldInUsers, DEFAULT_FOLD_IN, type CodedOutfit, type FoldInOptions } from './fold_in.js';
import { loadDataset, imageCacheDir } from '../data/load.js';
import { loadSplitImages } from '../data/cache.js';
import { loadImageBytes } from '../data/images.js';
import { itemCodes } from '../models/item_codes.js';
import { requireDesigner } from '../models/fashion_model.js';
import { colourHistory } from '../models/colour_modes.js';
import type { Category } from '../models/designer.js';
import { baseFrequencies, imageBins } from '../train/colour_history.js';

/** One outfit a new user made or liked: image files of its top and bottom. */
export interface NewUserOutfit {
  user: string;
  top: string;
  bottom: string;
}

export interface AddUsersOptions extends FoldInOptions {
  device: T.Device;
  source: string; // where the outfits came from (recorded in the file)
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface AddUsersResult {
  file: string;
  users: string[];
  outfits: Record<string, number>; // per new user
  encodeSeconds: number; // decoding and encoding the new users' item images
  foldSeconds: number; // learning every new theta_u (F's codes given)
  loss: number[];
  options: FoldInOptions; // as used
  startUsers: string[]; // per new user, the trained user its vector started from ('' for the mean)
}

export async function addUsersToRun(
  runDir: string,
  outfits: NewUserOutfit[],
  o: Partial<AddUsersOptions> & { source: string },
): Promise<AddUsersResult> {
  const opts: AddUsersOptions = { ...DEFAULT_FOLD_IN, device: 'cpu', ...o };
  if (outfits.length === 0) throw new Error('no outfits given for the new users');
  const trained = openRun(runDir, opts.device, 'fp32');
  try {
    const model = requireDesigner(trained.model, 'adding users');
    const ids = [...new Set(outfits.map((x) => x.user))];
    for (const id of ids)
      if (trained.users.includes(id))
        throw new Error(
          `user '${id}' is already in ${path.basename(trained.run.dir)}${trained.users.indexOf(id) < trained.trainedUsers ? ' (trained with it)' : ' (added before)'}`,
        );
    const cfg = trained.config;
    const dataset = loadDataset(cfg.data);
    checkSameUsers(dataset.users, trained.users.slice(0, trained.trainedUsers), cfg.data.path, trained.run.dir);
    const size = trained.imageSize;
    const train = await loadSplitImages(dataset, 'train', size, imageCacheDir(cfg.data), {
      skipBad: cfg.data.skipBad,
      onProgress: (a, b) => opts.onProgress?.('caching the catalog', a, b),
    });
    try {
      const t0 = performance.now();
      // New items: every distinct image file of the new outfits, decoded once.
      const files = {
        top: [...new Set(outfits.map((x) => path.resolve(x.top)))],
        bottom: [...new Set(outfits.map((x) => path.resolve(x.bottom)))],
      };
      const decode = async (list: string[]) => {
        const out: Uint8Array[] = [];
        for (const f of list) {
          out.push(await loadImageBytes(f, size));
          opts.onProgress?.('reading the new outfits', out.length, files.top.length + files.bottom.length);
        }
        if (!out.length) return null;
        const all = new Uint8Array(out.length * 3 * size * size);
        out.forEach((b, i) => all.set(b, i * b.length));
        return T.keep(T.tensor(all, { dtype: 'uint8', shape: [out.length, 3, size, size] })); // [N, 3, S, S]
      };
      const newTops = await decode(files.top),
        newBottoms = await decode(files.bottom);
      // Colour-history models: each new user's history per category, from the bins of their outfits'
      // items, against the training split's bin frequencies (as the trained users').
      const histories = new Map<Category, T.Tensor>();
      const base = baseFrequencies(model, train);
      for (const c of model.colourHistories.keys()) {
        const images = c === 'top' ? newTops : newBottoms;
        const bins = images ? imageBins(images, model.config.colourModes!) : [];
        const list = c === 'top' ? files.top : files.bottom;
        const byFile = new Map(list.map((f, i) => [f, bins[i]!]));
        const own = outfits.map((x) => ({ user: ids.indexOf(x.user), bin: byFile.get(path.resolve(c === 'top' ? x.top : x.bottom))! }));
        histories.set(
          c,
          T.keep(
            colourHistory(
              own.map((o) => o.user),
              own.map((o) => o.bin),
              ids.length,
              model.modes,
              base.get(c)!,
            ),
          ),
        );
      }
      const [tops, bottoms] = T.tidy(() => {
        const z = (catalog: T.Tensor, extra: T.Tensor | null) =>
          T.keep(T.cat([itemCodes(model, catalog, opts.device), ...(extra ? [itemCodes(model, extra, opts.device)] : [])]));
        return [z(train.tops, newTops), z(train.bottoms, newBottoms)];
      });
      T.dispose([newTops, newBottoms].filter((t): t is T.Tensor => t !== null));
      const encodeSeconds = (performance.now() - t0) / 1000;
      try {
        const nt = train.tops.size(0),
          nb = train.bottoms.size(0);
        const row = { top: new Map(files.top.map((f, i) => [f, nt + i])), bottom: new Map(files.bottom.map((f, i) => [f, nb + i])) };
        const users: CodedOutfit[][] = ids.map((id) =>
          outfits
            .filter((x) => x.user === id)
            .map((x) => ({ top: row.top.get(path.resolve(x.top))!, bottom: row.bottom.get(path.resolve(x.bottom))! })),
        );
        const others: CodedOutfit[] = train.outfits.map((x) => ({ top: train.topRow.get(x.top)!, bottom: train.bottomRow.get(x.bottom)! }));
        opts.onProgress?.('learning theta_u', 0, 1);
        const r = foldInUsers(model, { tops, bottoms, users, others }, opts);
        opts.onProgress?.('learning theta_u', 1, 1);
        try {
          const counts = Object.fromEntries(ids.map((id, i) => [id, users[i]!.length]));
          const file = writeAddedUsers(
            trained.run,
            trained.iteration,
            ids,
            r.theta,
            {
              format: 'pfd-added-users',
              source: opts.source,
              outfits: JSON.stringify(counts),
              fold_in: JSON.stringify({
                steps: opts.steps,
                lr: opts.lr,
                l2: opts.l2,
                negativeMix: opts.negativeMix,
                negatives: opts.negatives,
                batch: opts.batch,
                start: opts.start,
                seed: opts.seed,
              }),
              start_users: JSON.stringify(r.startUsers.map((v) => (v < 0 ? '' : trained.users[v]!))),
            },
            histories,
          );
          return {
            file,
            users: ids,
            outfits: counts,
            encodeSeconds,
            foldSeconds: r.seconds,
            loss: r.loss,
            options: opts,
            startUsers: r.startUsers.map((v) => (v < 0 ? '' : trained.users[v]!)),
          };
        } finally {
          r.theta.dispose();
        }
      } finally {
        T.dispose([tops, bottoms, ...histories.values()]);
      }
    } finally {
      train.dispose();
    }
  } finally {
    trained.dispose();
  }
}
