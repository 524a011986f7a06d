// The outfits of users of a data set, as `pfd users add --data` and `pfd users table` take them.
import type { NewUserOutfit } from '../users/add_users.js';
import { loadDataset, type DatasetSpec } from '../data/load.js';
import type { DatasetSplit } from '../data/manifest.js';
import { Rng } from '../data/rng.js';
import { UsageError } from './errors.js';

/** The named users' outfits of a dataset split, at most `max` each (a seeded sample). */
export function datasetOutfits(
  spec: DatasetSpec,
  users: string[],
  split: DatasetSplit,
  max: number | undefined,
  seed: number,
): NewUserOutfit[] {
  const d = loadDataset(spec);
  const out: NewUserOutfit[] = [];
  for (const id of users) {
    const u = d.users.indexOf(id);
    if (u < 0)
      throw new UsageError(
        `--users: '${id}' has no outfits in ${spec.path} (${d.users.length} users: ${d.users.slice(0, 5).join(', ')}${d.users.length > 5 ? ', ...' : ''})`,
      );
    let mine = d.outfits.filter((o) => o.user === u && o.split === split);
    if (mine.length === 0) throw new UsageError(`--users: '${id}' has no ${split} outfits in ${spec.path}`);
    if (max !== undefined) mine = new Rng(seed, `fold-in-outfits:${id}`).shuffle([...mine]).slice(0, max);
    for (const o of mine) out.push({ user: id, top: d.tops[o.top]!.path, bottom: d.bottoms[o.bottom]!.path });
  }
  return out;
}
