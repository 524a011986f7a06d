// Polyvore-U (Lu et al., CVPR 2019, "Learning Binary Code for Personalized
// Fashion Recommendation"), from its published layout:
//   ROOT/tuples_{630|519|53|32}/image_list_{top,bottom,shoe}   one image name per line; line k = item k
//   ROOT/tuples_N/tuples_{train,val,test}_posi                  CSV, header user,top,bottom,shoe
//   ROOT/tuples_N/tuples_{train,val,test}_nega[_hard]           negatives, same columns
//   images: IMAGES/{top,bottom}/<name> (or IMAGES/<name>), IMAGES defaulting
//   to ROOT/images/291x291 as the release unpacks.
// Users are the integers 0..N-1 of the folder name; shoes are ignored (the
// paper's outfits are a top and a bottom).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DatasetBuilder, DatasetError, type DatasetItem, type DatasetSplit, type FashionDataset, type LoadOptions } from '../manifest.js';

export const POLYVORE_U_SETS = ['630', '519', '53', '32'] as const;

export interface PolyvoreUOptions extends LoadOptions {
  set?: (typeof POLYVORE_U_SETS)[number];
  images?: string;
  /** Check that every referenced image exists (default true). */
  checkImages?: boolean;
}

export interface PolyvoreNegative {
  split: DatasetSplit;
  hard: boolean;
  user: string;
  top: DatasetItem;
  bottom: DatasetItem;
}

export function loadPolyvoreU(root: string, opts: PolyvoreUOptions = {}): FashionDataset & { negatives: PolyvoreNegative[] } {
  const set = opts.set ?? '630';
  const dir = path.join(root, `tuples_${set}`);
  if (!existsSync(dir)) throw new DatasetError(dir, null, `Polyvore-U folder not found (expected ${root}/tuples_{630,519,53,32})`);
  const imagesRoot = opts.images ?? path.join(root, 'images', '291x291');
  const nUsers = Number(set);
  const lists = { top: readList(path.join(dir, 'image_list_top')), bottom: readList(path.join(dir, 'image_list_bottom')) };
  const b = new DatasetBuilder(`polyvore-u-${set}`, root);
  const negatives: PolyvoreNegative[] = [];
  const item = (cat: 'top' | 'bottom', name: string): DatasetItem => {
    const sub = path.join(imagesRoot, cat, name);
    return { id: `${cat}/${name}`, path: existsSync(sub) ? sub : path.join(imagesRoot, name) };
  };
  const check = opts.checkImages ?? true;
  for (const split of ['train', 'val', 'test'] as const) {
    for (const kind of ['posi', 'nega', 'nega_hard'] as const) {
      const file = path.join(dir, `tuples_${split}_${kind}`);
      if (!existsSync(file)) {
        if (kind === 'posi' && split !== 'val') throw new DatasetError(file, null, 'missing (every Polyvore-U set has train and test positives)');
        continue;
      }
      const lines = readFileSync(file, 'utf8').split('\n');
      const header = lines[0]!.trim().split(',');
      const col = (name: string) => header.indexOf(name);
      if (col('user') < 0 || col('top') < 0 || col('bottom') < 0) throw new DatasetError(file, 1, `header must name user,top,bottom(,shoe); got '${lines[0]}'`);
      for (let i = 1; i < lines.length; i++) {
        const text = lines[i]!.trim();
        if (!text) continue;
        const cells = text.split(',');
        if (cells.length !== header.length) { b.bad(!!opts.skipBad, file, i + 1, `expected ${header.length} columns, got ${cells.length}`); continue; }
        const [u, t, bo] = ['user', 'top', 'bottom'].map((k) => Number(cells[col(k)]));
        if (![u, t, bo].every((v) => Number.isInteger(v) && v! >= 0)) { b.bad(!!opts.skipBad, file, i + 1, `user, top and bottom must be non-negative integers`); continue; }
        if (u! >= nUsers) { b.bad(!!opts.skipBad, file, i + 1, `unknown user ${u} (tuples_${set} has users 0..${nUsers - 1})`); continue; }
        if (t! >= lists.top.length) { b.bad(!!opts.skipBad, file, i + 1, `top ${t} is not in image_list_top (${lists.top.length} items)`); continue; }
        if (bo! >= lists.bottom.length) { b.bad(!!opts.skipBad, file, i + 1, `bottom ${bo} is not in image_list_bottom (${lists.bottom.length} items)`); continue; }
        const top = item('top', lists.top[t!]!), bottom = item('bottom', lists.bottom[bo!]!);
        if (check) {
          const missing = [top, bottom].find((x) => !existsSync(x.path));
          if (missing) { b.bad(!!opts.skipBad, file, i + 1, `image not found: ${missing.path}`); continue; }
        }
        if (kind === 'posi') b.add(String(u), top, bottom, split);
        else negatives.push({ split, hard: kind === 'nega_hard', user: String(u), top, bottom });
      }
    }
  }
  const data = b.finish(path.join(dir, 'tuples_train_posi'));
  // A user seen only in val/test has no training outfits: its theta_u could not be learned.
  const withTrain = new Set(data.outfits.filter((o) => o.split === 'train').map((o) => o.user));
  const orphans = new Set(data.users.map((_, i) => i).filter((i) => !withTrain.has(i)));
  for (const i of orphans) b.bad(!!opts.skipBad, path.join(dir, 'tuples_train_posi'), 0, `user ${data.users[i]} has outfits in val/test but none in train`);
  if (orphans.size) data.outfits = data.outfits.filter((o) => !orphans.has(o.user));
  return { ...data, negatives };
}

function readList(file: string): string[] {
  if (!existsSync(file)) throw new DatasetError(file, null, 'image list not found');
  return readFileSync(file, 'utf8').split('\n').map((s) => s.trim()).filter((s, i, a) => s || i < a.length - 1);
}
