// The synthetic fashion world: a catalog of tops and bottoms, users with
// latent tastes, and each user's outfits, all deterministic from one seed.
//
// Outfits: for each user, a candidate pool of P tops and P bottoms is drawn
// uniformly from the catalog, and the user's outfits are drawn WITHOUT
// replacement from the P x P pairs with probability proportional to
//   exp(beta * (compat(top, bottom) + pref(user, top, bottom)))
// (Gumbel top-k). So outfits are both compatible and personal, and two users
// given the same top choose different bottoms.
import { BOTTOM_SILHOUETTES, TOP_SILHOUETTES, categoryOf, sampleAttributes, type Category, type ItemAttributes } from './attributes.js';
import { compat } from './compat.js';
import { pref, sampleTaste, type Taste } from './taste.js';
import { sampleVariation, type RenderVariation } from './render.js';
import { Rng } from '../rng.js';

export interface WorldConfig {
  seed: number;
  users: number;
  trainPerUser: number;
  testPerUser: number;
  tops: number; // catalog sizes
  bottoms: number;
  pool: number; // candidate tops (and bottoms) per user
  beta: number; // how sharply users pick compatible, personal outfits
  imageSize: number;
}

export const WORLD_PRESETS = {
  /** Sized for minutes of CPU training. */
  demo: { seed: 1, users: 24, trainPerUser: 360, testPerUser: 21, tops: 800, bottoms: 800, pool: 150, beta: 10, imageSize: 64 },
  /** The paper's scale (section 4, Table 1): 797 users, 221 + 41 outfits each. */
  paper: { seed: 1, users: 797, trainPerUser: 221, testPerUser: 41, tops: 102217, bottoms: 76245, pool: 400, beta: 10, imageSize: 64 },
} as const satisfies Record<string, WorldConfig>;
export type WorldPreset = keyof typeof WORLD_PRESETS;

export interface WorldItem extends ItemAttributes {
  id: string; // "t000042" / "b000007"
  category: Category;
  variation: RenderVariation;
}

export interface WorldUser {
  id: string; // "u0003"
  taste: Taste;
}

export type Split = 'train' | 'test';

export interface WorldOutfit {
  user: string;
  top: string;
  bottom: string;
  split: Split;
}

export interface World {
  config: WorldConfig;
  items: WorldItem[];
  users: WorldUser[];
  outfits: WorldOutfit[];
}

function validate(c: WorldConfig): void {
  const ints: (keyof WorldConfig)[] = ['users', 'trainPerUser', 'testPerUser', 'tops', 'bottoms', 'pool', 'imageSize'];
  for (const k of ints) if (!Number.isInteger(c[k]) || (c[k] as number) < 1) throw new Error(`world config: ${k} must be a positive integer, got ${c[k]}`);
  if (c.imageSize < 16) throw new Error(`world config: imageSize must be at least 16, got ${c.imageSize}`);
  const perUser = c.trainPerUser + c.testPerUser;
  const pool = Math.min(c.pool, c.tops) * Math.min(c.pool, c.bottoms);
  if (perUser > pool) throw new Error(`world config: ${perUser} outfits per user need a candidate pool of more than ${pool} pairs (raise pool, tops or bottoms)`);
}

function sampleItem(rng: Rng, category: Category, index: number): WorldItem {
  const attrs = sampleAttributes(rng, category === 'top' ? TOP_SILHOUETTES : BOTTOM_SILHOUETTES);
  if (categoryOf(attrs.silhouette) !== category) throw new Error('internal: silhouette/category mismatch');
  const id = `${category === 'top' ? 't' : 'b'}${String(index).padStart(6, '0')}`;
  return { id, category, ...attrs, variation: sampleVariation(rng) };
}

/** Builds the whole world from its config (deterministic). */
export function makeWorld(config: WorldConfig): World {
  validate(config);
  const root = new Rng(config.seed, 'world');
  const itemRng = root.fork('items'), userRng = root.fork('users'), outfitRng = root.fork('outfits');
  const tops = Array.from({ length: config.tops }, (_, i) => sampleItem(itemRng, 'top', i));
  const bottoms = Array.from({ length: config.bottoms }, (_, i) => sampleItem(itemRng, 'bottom', i));
  const users: WorldUser[] = Array.from({ length: config.users }, (_, i) => ({ id: `u${String(i).padStart(4, '0')}`, taste: sampleTaste(userRng) }));
  const outfits: WorldOutfit[] = [];
  const perUser = config.trainPerUser + config.testPerUser;
  for (const u of users) {
    const rng = outfitRng.fork(u.id);
    const pt = sampleDistinct(rng, tops, Math.min(config.pool, tops.length));
    const pb = sampleDistinct(rng, bottoms, Math.min(config.pool, bottoms.length));
    // Gumbel top-k over the pool's pairs = sampling without replacement proportional to exp(score).
    const keys = new Float64Array(pt.length * pb.length);
    for (let i = 0; i < pt.length; i++) {
      for (let j = 0; j < pb.length; j++) {
        const score = config.beta * (compat(pt[i]!, pb[j]!) + pref(u.taste, pt[i]!, pb[j]!));
        keys[i * pb.length + j] = score - Math.log(-Math.log(1 - rng.next()));
      }
    }
    const chosen = topK(keys, perUser);
    rng.shuffle(chosen);
    chosen.forEach((k, n) => outfits.push({
      user: u.id, top: pt[Math.floor(k / pb.length)]!.id, bottom: pb[k % pb.length]!.id, split: n < config.trainPerUser ? 'train' : 'test',
    }));
  }
  return { config, items: [...tops, ...bottoms], users, outfits };
}

function sampleDistinct<T>(rng: Rng, xs: T[], k: number): T[] {
  const idx = xs.map((_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(idx.length - i);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, k).map((i) => xs[i]!);
}

function topK(keys: Float64Array, k: number): number[] {
  const order = Array.from(keys.keys());
  order.sort((a, b) => keys[b]! - keys[a]!);
  return order.slice(0, k);
}

/** Ground truth lookups over a world. */
export class WorldOracle {
  private readonly items = new Map<string, WorldItem>();
  private readonly tastes = new Map<string, Taste>();

  constructor(readonly world: World) {
    for (const it of world.items) this.items.set(it.id, it);
    for (const u of world.users) this.tastes.set(u.id, u.taste);
  }

  item(id: string): WorldItem {
    const it = this.items.get(id);
    if (!it) throw new Error(`unknown item '${id}'`);
    return it;
  }

  taste(user: string): Taste {
    const t = this.tastes.get(user);
    if (!t) throw new Error(`unknown user '${user}'`);
    return t;
  }

  compat(top: ItemAttributes, bottom: ItemAttributes): number {
    return compat(top, bottom);
  }

  pref(user: string, top: ItemAttributes, bottom: ItemAttributes): number {
    return pref(this.taste(user), top, bottom);
  }
}
