// Datasets seen through a subset of their users:
//   withoutUsers      held-out users (the new-users experiment, Table 3): their
//                     outfits are removed, as if they had not joined yet
//   forModelUsers     a dataset indexed by a trained model's users (trained, then
//                     added), optionally with the test split cut to some of them
// Items are never removed, so item indices (and image caches) stay valid.
import type { FashionDataset } from './manifest.js';

export function withoutUsers(d: FashionDataset, ids: readonly string[]): FashionDataset {
  const drop = new Set(ids);
  for (const id of drop) if (!d.users.includes(id)) throw new Error(`--holdout-users: unknown user '${id}' in ${d.name} (${d.users.length} users: ${d.users.slice(0, 5).join(', ')}${d.users.length > 5 ? ', ...' : ''})`);
  const kept = d.users.filter((u) => !drop.has(u));
  if (kept.length === 0) throw new Error('--holdout-users: every user is held out');
  const index = new Map(kept.map((u, i) => [u, i]));
  const outfits = d.outfits.filter((o) => !drop.has(d.users[o.user]!)).map((o) => ({ ...o, user: index.get(d.users[o.user]!)! }));
  return { ...d, users: kept, outfits };
}

/**
 * The dataset indexed by `modelUsers` (outfits of users the model does not know are
 * left out); with `only`, the test split keeps just those users' outfits.
 */
export function forModelUsers(d: FashionDataset, modelUsers: readonly string[], only?: readonly string[]): FashionDataset {
  const index = new Map(modelUsers.map((u, i) => [u, i]));
  const keepTest = only ? new Set(only) : null;
  if (keepTest) {
    for (const id of keepTest) {
      if (!index.has(id)) throw new Error(`user '${id}' is not known to the model (train it, or add it with 'pfd users add')`);
      if (!d.users.includes(id)) throw new Error(`user '${id}' has no outfits in ${d.name}`);
    }
  }
  const outfits = d.outfits.flatMap((o) => {
    const id = d.users[o.user]!;
    const u = index.get(id);
    if (u === undefined) return [];
    if (keepTest && o.split === 'test' && !keepTest.has(id)) return [];
    return [{ ...o, user: u }];
  });
  if (keepTest && !outfits.some((o) => o.split === 'test')) throw new Error(`users ${[...keepTest].join(', ')} have no test outfits in ${d.name}`);
  return { ...d, users: [...modelUsers], outfits };
}
