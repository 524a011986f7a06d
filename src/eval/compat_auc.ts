// AUC of the compatibility discriminator s_{u,o} = M(theta_u * F(top) * F(bottom))
// on TEST outfits: each positive (u, top, bottom) is paired with
//   kind 1: (u, top, a random test bottom)  and (u, a random test top, bottom), alternating
//   kind 2: another user's test outfit, scored for u
// The personalized AUC (per user, positives against both kinds, averaged over users: the
// headline, since BPR ranks outfits within a user), and the AUCs pooled over all users
// against each kind and both.
import * as T from '../torch/index.js';
import type { Designer } from '../models/designer.js';
import type { SplitImages } from '../data/cache.js';
import { Rng } from '../data/rng.js';
import { itemCodes } from '../models/item_codes.js';
import { auc, meanGroupAuc } from './auc.js';

export interface CompatAuc {
  auc_kind1: number;
  auc_kind2: number;
  auc_both: number;
  auc_per_user: number;
  auc_kind1_per_user: number; // per user, positives against kind-1 negatives only: has M learned compatibility itself?
  users: number;
  positives: number;
}

export function compatAuc(model: Designer, test: SplitImages, seed: number, device: T.Device = 'cpu'): CompatAuc {
  const wasTraining = model.training;
  model.eval();
  try {
    return T.tidy(() => {
      const zt = itemCodes(model, test.tops, device),
        zb = itemCodes(model, test.bottoms, device);
      const rng = new Rng(seed, 'compat-auc');
      const outfits = test.outfits;
      const topIds = [...test.topRow.keys()],
        bottomIds = [...test.bottomRow.keys()];
      const rows: { user: number; top: number; bottom: number; kind: 0 | 1 | 2 }[] = [];
      outfits.forEach((o, i) => {
        rows.push({ user: o.user, top: o.top, bottom: o.bottom, kind: 0 });
        if (i % 2 === 0) {
          let b = rng.pick(bottomIds);
          while (b === o.bottom && bottomIds.length > 1) b = rng.pick(bottomIds);
          rows.push({ user: o.user, top: o.top, bottom: b, kind: 1 });
        } else {
          let t = rng.pick(topIds);
          while (t === o.top && topIds.length > 1) t = rng.pick(topIds);
          rows.push({ user: o.user, top: t, bottom: o.bottom, kind: 1 });
        }
        // Another user's outfit (a few draws suffice unless one user owns nearly everything).
        for (let tries = 0; tries < 64; tries++) {
          const p = outfits[rng.int(outfits.length)]!;
          if (p.user === o.user) continue;
          rows.push({ user: o.user, top: p.top, bottom: p.bottom, kind: 2 });
          break;
        }
      });
      const idx = (xs: number[]) => T.toDevice(T.tensor(xs, { dtype: 'int64' }), device);
      const s = T.noGrad(() =>
        model.score(
          idx(rows.map((r) => r.user)),
          T.indexSelect(zt, 0, idx(rows.map((r) => test.topRow.get(r.top)!))),
          T.indexSelect(zb, 0, idx(rows.map((r) => test.bottomRow.get(r.bottom)!))),
        ),
      ).toArray();
      const by = (k: number) => s.filter((_, i) => rows[i]!.kind === k);
      const pos = by(0),
        n1 = by(1),
        n2 = by(2);
      const perUser = new Map<number, { pos: number[]; neg: number[] }>(),
        perUserKind1 = new Map<number, { pos: number[]; neg: number[] }>();
      rows.forEach((r, i) => {
        for (const [m, take] of [
          [perUser, true],
          [perUserKind1, r.kind !== 2],
        ] as const) {
          if (!take) continue;
          const g = m.get(r.user) ?? { pos: [], neg: [] };
          (r.kind === 0 ? g.pos : g.neg).push(s[i]!);
          m.set(r.user, g);
        }
      });
      const pu = meanGroupAuc(perUser.values());
      return {
        auc_kind1: auc(pos, n1),
        auc_kind2: n2.length ? auc(pos, n2) : NaN,
        auc_both: auc(pos, [...n1, ...n2]),
        auc_per_user: pu.mean,
        auc_kind1_per_user: meanGroupAuc(perUserKind1.values()).mean,
        users: pu.groups,
        positives: pos.length,
      };
    });
  } finally {
    model.train(wasTraining);
  }
}
