// What `pfd serve` keeps loaded: the run's model (once), its catalog, the users
// created through the API (SQLite), the design batcher and, for the designer,
// the catalog's retrieval indexes (built or read once, on first use). Routes
// (app.ts) only translate HTTP to these calls and errors to the catalogue.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import path from 'node:path';
import * as T from '../torch/index.js';
import { openRun, type TrainedModel } from '../run/trained_model.js';
import { checkSameUsers } from '../run/run_dir.js';
import { loadDataset } from '../data/load.js';
import type { FashionDataset } from '../data/manifest.js';
import { loadImageBytes, bytesToUnit, tensorToPng } from '../data/images.js';
import { DatasetError } from '../data/manifest.js';
import { complementOf, type Category, type Designer } from '../models/designer.js';
import { isDesigner } from '../models/fashion_model.js';
import { itemCodes } from '../models/item_codes.js';
import { foldInUsers, DEFAULT_FOLD_IN, type CodedOutfit } from '../users/fold_in.js';
import { openCatalogIndex, type CatalogIndex } from '../retrieval/catalog_index.js';
import { retrieveNear, type RetrievedItem } from '../retrieval/retrieve.js';
import { DesignBatcher } from './batcher.js';
import { UserStore } from './store.js';
import { ApiError } from './errors.js';

export interface ServiceOptions {
  device: T.Device;
  batchWaitMs: number; // how long a design request waits for others to share its forward pass
  maxPixels: number; // decoded size limit of an uploaded image
}

export const DEFAULT_SERVICE: ServiceOptions = { device: 'cpu', batchWaitMs: 2, maxPixels: 4096 * 4096 };

export interface Query {
  item?: string; // a catalog item id (as listed by /api/items)
  image?: Buffer; // or an uploaded image
  as?: Category; // what an uploaded image is (needed when the model designs both categories)
}

export interface UserDesign {
  user: string;
  png: Buffer;
  score: number | null; // s_{u,o} of (query, design) by the compatibility discriminator (designer only)
  items: RetrievedItem[];
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** An item's public id (its file name without the extension), the one the API and the page use. */
export const publicId = (datasetId: string) => path.parse(datasetId).name;

/** Public id -> index in the category's list; two items of one name would be ambiguous, so they are refused. */
function publicIds(items: { id: string }[], category: Category): Map<string, number> {
  const m = new Map<string, number>();
  items.forEach((it, i) => {
    const id = publicId(it.id);
    if (m.has(id))
      throw new Error(
        `two ${category}s of the catalog share the name '${id}' (${items[m.get(id)!]!.id}, ${it.id}): the server names items by file name`,
      );
    m.set(id, i);
  });
  return m;
}

export class DesignService {
  readonly trained: TrainedModel;
  readonly dataset: FashionDataset;
  readonly store: UserStore;
  readonly batcher: DesignBatcher;
  readonly items: Record<Category, Map<string, number>>;
  private readonly indexes = new Map<Category, Promise<CatalogIndex>>();
  private readonly created = new Set<string>();
  /** Decoded catalog images by item id (most recently used last): a popular query is decoded once. */
  private readonly decoded = new Map<string, Uint8Array>();
  private static readonly DECODED_MAX = 4096;
  /** The designer's query codes z_q of catalog items by item id (most recently used last): F runs once per item. */
  private readonly codes = new Map<string, Float32Array>();
  private static readonly CODES_MAX = 65_536; // 256 bytes each at 64-d

  constructor(
    readonly runDir: string,
    readonly opts: ServiceOptions = DEFAULT_SERVICE,
  ) {
    this.trained = openRun(runDir, opts.device);
    this.dataset = loadDataset(this.trained.config.data);
    checkSameUsers(
      this.dataset.users,
      this.trained.users.slice(0, this.trained.trainedUsers),
      this.trained.config.data.path,
      this.trained.run.dir,
    );
    this.items = { top: publicIds(this.dataset.tops, 'top'), bottom: publicIds(this.dataset.bottoms, 'bottom') };
    this.store = UserStore.forRun(this.trained.run.dir);
    const d = this.designer;
    if (d) {
      for (const u of this.store.users(this.trained.iteration)) {
        if (this.trained.users.includes(u.id)) continue; // (also added by `pfd users add`: that one wins)
        if (u.theta.length !== d.latent) {
          console.warn(`${this.store.file}: user '${u.id}' has a ${u.theta.length}-d vector, the model ${d.latent}-d: skipped`);
          continue;
        }
        T.tidy(() => d.appendUsers(T.tensor(u.theta, { shape: [1, u.theta.length] })));
        this.trained.users.push(u.id);
        this.created.add(u.id);
      }
    }
    // G's rearranged transposed-convolution weights computed once, not every design (half of G's time at batch 1).
    this.trained.model.setInferenceCache(true);
    this.batcher = new DesignBatcher(this.trained.model, opts.batchWaitMs);
    this.warmUp();
  }

  /**
   * One design per designed category before the first request: the first pass through each G
   * picks its kernels and fills the inference cache (1.5 s measured on the first design of each
   * category, 0.15-0.2 s after); a user's first design should not pay for it.
   */
  private warmUp(): void {
    T.tidy(() =>
      T.noGrad(() => {
        const x = T.toDevice(T.zeros([1, 3, this.trained.imageSize, this.trained.imageSize]), this.opts.device);
        for (const c of this.targets) this.trained.model.design(x, T.toDevice(T.tensor([0], { dtype: 'int64' }), this.opts.device), c);
      }),
    );
  }

  get designer(): Designer | null {
    return isDesigner(this.trained.model) ? this.trained.model : null;
  }

  get targets(): Category[] {
    return this.trained.model.config.targets;
  }

  users(): { id: string; kind: 'trained' | 'added' | 'created' }[] {
    return this.trained.users.map((id, i) => ({
      id,
      kind: i < this.trained.trainedUsers ? 'trained' : this.created.has(id) ? 'created' : 'added',
    }));
  }

  userIndex(id: string): number {
    const i = this.trained.users.indexOf(id);
    if (i < 0) throw new ApiError('UNKNOWN_USER', `unknown user '${id}'`);
    return i;
  }

  item(category: Category, id: string): number {
    const i = this.items[category].get(id);
    if (i === undefined) throw new ApiError('UNKNOWN_ITEM', `unknown ${category} '${id}'`);
    return i;
  }

  /** The category and index of a catalog item id (ids name tops and bottoms apart in our datasets). */
  findItem(id: string): { category: Category; index: number } {
    for (const c of ['top', 'bottom'] as Category[]) {
      const i = this.items[c].get(id);
      if (i !== undefined) return { category: c, index: i };
    }
    throw new ApiError('UNKNOWN_ITEM', `unknown item '${id}'`);
  }

  listItems(
    category: Category | undefined,
    q: string | undefined,
    offset: number,
    limit: number,
  ): { total: number; items: { id: string; category: Category }[] } {
    const all = (category ? [category] : (['top', 'bottom'] as Category[])).flatMap((c) =>
      [...this.items[c].keys()].map((id) => ({ id, category: c })),
    );
    const hits = q ? all.filter((x) => x.id.toLowerCase().includes(q.toLowerCase())) : all;
    return { total: hits.length, items: hits.slice(offset, offset + limit) };
  }

  /** The item's image file (looked up by id: a request never names a path). */
  itemImage(category: Category, id: string): Buffer {
    const list = category === 'top' ? this.dataset.tops : this.dataset.bottoms;
    return readFileSync(list[this.item(category, id)]!.path);
  }

  /**
   * One request as the page sends it per designed category (a catalog query for the first user
   * and three others, five real items each), before the first person's: it opens (or builds) the
   * retrieval index and runs F, G, M and the search at the page's shapes, whose first pass
   * picks kernels (a warm-up of G alone left the first request 5x a warm one).
   */
  async warmRequests(): Promise<void> {
    const users = this.trained.users.slice(0, 4);
    const k = this.designer ? 5 : 0; // (a baseline has no compatibility discriminator to retrieve with)
    for (const c of this.targets) {
      const first = this.items[complementOf(c)].keys().next();
      try {
        if (!first.done) await this.design({ item: first.value }, users, k);
        else if (this.designer) await this.index(c);
      } catch (e) {
        // A warm-up that fails (an unreadable first photo) leaves that work to the first request.
        console.warn(`warm-up of the ${c}s' designs failed: ${(e as Error).message}`);
      }
    }
  }

  private index(c: Category): Promise<CatalogIndex> {
    if (!this.indexes.has(c)) {
      // A failure is not cached: the next request tries again.
      const p = openCatalogIndex(this.trained, this.dataset, c, 'code', { device: this.opts.device });
      p.catch(() => this.indexes.delete(c));
      this.indexes.set(c, p);
    }
    return this.indexes.get(c)!;
  }

  /** The query as an image [1, 3, S, S] at the model's size (kept) and its category. */
  private async queryImage(q: Query): Promise<{ image: T.Tensor; category: Category }> {
    let bytes: Uint8Array, category: Category;
    if (q.item !== undefined) {
      const it = this.findItem(q.item);
      category = it.category;
      if (q.as !== undefined && q.as !== category)
        throw new ApiError('WRONG_CATEGORY', `item '${q.item}' is a ${category}, not a ${q.as} ("as" contradicts the catalog)`);
      const key = `${category}/${q.item}`;
      const hit = this.decoded.get(key);
      if (hit) this.decoded.delete(key); // re-inserted below as the most recent
      bytes =
        hit ??
        (await loadImageBytes((category === 'top' ? this.dataset.tops : this.dataset.bottoms)[it.index]!.path, this.trained.imageSize));
      this.decoded.set(key, bytes);
      if (this.decoded.size > DesignService.DECODED_MAX) this.decoded.delete(this.decoded.keys().next().value!);
    } else {
      const only = this.targets.length === 1 ? complementOf(this.targets[0]!) : undefined;
      if (!q.as && !only)
        throw new ApiError(
          'BAD_REQUEST',
          'this model designs tops and bottoms: say what the uploaded image is with "as": "top" or "bottom"',
        );
      category = q.as ?? only!;
      try {
        // Photos only (not SVG, TIFF, GIF, ...: fewer decoders facing the network).
        const format = await sharp(q.image!)
          .metadata()
          .then(
            (m) => m.format,
            () => undefined,
          );
        if (!format || !['jpeg', 'png', 'webp'].includes(format))
          throw new ApiError('BAD_IMAGE', `the uploaded image must be a JPEG, PNG or WebP${format ? `, not ${format}` : ''}`);
        bytes = await loadImageBytes(q.image!, this.trained.imageSize, this.opts.maxPixels);
      } catch (e) {
        if (e instanceof DatasetError)
          throw new ApiError('BAD_IMAGE', `the uploaded image cannot be used: ${e.message.replace(/^<uploaded image>: /, '')}`);
        throw e;
      }
    }
    this.checkQueryCategory(category);
    return {
      image: T.tidy(() =>
        T.keep(
          T.toDevice(
            bytesToUnit(T.tensor(bytes, { dtype: 'uint8', shape: [1, 3, this.trained.imageSize, this.trained.imageSize] })),
            this.opts.device,
          ),
        ),
      ),
      category,
    };
  }

  private checkQueryCategory(category: Category): void {
    if (!this.targets.includes(complementOf(category)))
      throw new ApiError(
        'WRONG_CATEGORY',
        `this model designs ${this.targets.join(' and ')}s, so its query must be a ${complementOf(this.targets[0]!)}; got a ${category}`,
      );
  }

  /** Designs for one query and several users, each with its k nearest real items (designer only when k > 0). */
  async design(
    q: Query,
    users: string[],
    k: number,
    rank: 'nearest' | 'compat' = 'nearest',
    withScore = true,
  ): Promise<{ target: Category; designs: UserDesign[] }> {
    const idx = users.map((u) => this.userIndex(u));
    if (k > 0 && !this.designer)
      throw new ApiError(
        'NOT_SUPPORTED',
        `this run's model (${this.trained.config.method ?? 'designer'}) has no compatibility discriminator to retrieve real items with; ask with k = 0`,
      );
    // The fast path: a catalog query whose code is known, and nothing that needs its pixels (no
    // score, no retrieval): the image is neither decoded nor built.
    const known = q.item !== undefined && k === 0 && !withScore && this.designer ? this.knownCode(q.item) : null;
    const { image, category } = known ? { image: null, category: known.category } : await this.queryImage(q);
    const target = complementOf(category);
    let code: T.Tensor | null = known?.code ?? null,
      designs: T.Tensor[] = [];
    try {
      if (!code && q.item !== undefined) code = this.queryCode(`${category}/${q.item}`, image!); // [1, latent] (kept) or null
      // (The batcher copies the query, so it can go as soon as every design is back.)
      const settled = await Promise.allSettled(idx.map((u) => this.batcher.design(code ? { code } : { image: image! }, u, target)));
      code?.dispose();
      code = null;
      designs = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const index = k > 0 ? await this.index(target) : null;
      const out: UserDesign[] = [];
      for (let i = 0; i < designs.length; i++) {
        const d = designs[i]!; // [1, 3, S, S] on the CPU
        const { score, items, rgb } = T.tidy(() => {
          const onDevice = T.toDevice(d, this.opts.device);
          return {
            score: this.designer && withScore ? this.score(image!, onDevice, idx[i]!) : null,
            items: index
              ? retrieveNear(this.trained, this.dataset, index, onDevice, image!, idx[i]!, {
                  k,
                  ranking: rank,
                  candidates: 50,
                  device: this.opts.device,
                })
              : [],
            rgb: T.keep(T.select(d, 0, 0).clone()), // [3, S, S]
          };
        });
        try {
          out.push({ user: users[i]!, png: await tensorToPng(rgb), score, items });
        } finally {
          rgb.dispose();
        }
      }
      return { target, designs: out };
    } finally {
      image?.dispose();
      code?.dispose();
      T.dispose(designs);
    }
  }

  /**
   * Computes the query code z_q of every catalog item the model can take as a query, in batches
   * of `batch` (pfd serve does this at start-up: a design request for any catalog item then skips
   * F). Returns how many codes were computed; 0 without a designer. Codes computed in a batch may
   * differ from one computed alone in float32 rounding (a design by at most 1/255 per pixel).
   */
  async warmCatalogCodes(opts: { batch?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<number> {
    const d = this.designer;
    if (!d) return 0;
    const batch = opts.batch ?? 256;
    const queries = [...new Set(this.targets.map(complementOf))].flatMap((c) => [...this.items[c].keys()].map((id) => ({ c, id })));
    let done = 0;
    for (let a = 0; a < queries.length; a += batch) {
      const part = queries.slice(a, a + batch);
      const bytes = await Promise.all(
        part.map(({ c, id }) =>
          loadImageBytes((c === 'top' ? this.dataset.tops : this.dataset.bottoms)[this.items[c].get(id)!]!.path, this.trained.imageSize),
        ),
      );
      const flat = T.tidy(() => {
        const x = T.toDevice(
          bytesToUnit(
            T.tensor(Buffer.concat(bytes.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))), {
              dtype: 'uint8',
              shape: [part.length, 3, this.trained.imageSize, this.trained.imageSize],
            }),
          ),
          this.opts.device,
        );
        return T.toDevice(d.queryCodes(x), 'cpu').data() as Float32Array; // [n * latent]
      });
      part.forEach(({ c, id }, i) => this.rememberCode(`${c}/${id}`, flat.slice(i * d.latent, (i + 1) * d.latent)));
      done += part.length;
      opts.onProgress?.(done, queries.length);
      await new Promise(setImmediate); // requests go on being served
    }
    return done;
  }

  /** Stores (or refreshes) a catalog item's code as the most recently used, evicting the oldest past CODES_MAX. */
  private rememberCode(key: string, z: Float32Array): void {
    this.codes.delete(key);
    this.codes.set(key, z);
    if (this.codes.size > DesignService.CODES_MAX) this.codes.delete(this.codes.keys().next().value!);
  }

  /** A code as a tensor [1, latent] on the service's device (kept; the caller disposes it). */
  private codeTensor(z: Float32Array): T.Tensor {
    return T.tidy(() => T.keep(T.toDevice(T.tensor(z, { shape: [1, z.length] }), this.opts.device)));
  }

  /** A catalog item's category and cached code [1, latent] (kept; the caller disposes it), or null when not cached. */
  private knownCode(item: string): { category: Category; code: T.Tensor } | null {
    const { category } = this.findItem(item);
    const key = `${category}/${item}`;
    const z = this.codes.get(key);
    if (!z) return null;
    this.checkQueryCategory(category);
    this.rememberCode(key, z);
    return { category, code: this.codeTensor(z) };
  }

  /** A catalog query's code z_q [1, latent] (kept; the caller disposes it), from the cache or F; null without a designer. */
  private queryCode(key: string, image: T.Tensor): T.Tensor | null {
    const d = this.designer;
    if (!d) return null;
    const z = this.codes.get(key) ?? T.tidy(() => T.toDevice(d.queryCodes(image), 'cpu').data() as Float32Array);
    this.rememberCode(key, z);
    return this.codeTensor(z);
  }

  /** s_{u,o} of (query, design) [1, 3, S, S] each. */
  private score(query: T.Tensor, design: T.Tensor, user: number): number {
    const m = this.designer!;
    return T.tidy(() => {
      const z = itemCodes(
        m,
        T.toDtype(T.round(T.mul(T.add(T.cat([query, T.toDevice(design, this.opts.device)], 0), 1), 127.5)), 'uint8'),
        this.opts.device,
      ); // [2, latent]
      return T.noGrad(() =>
        m.score(T.tensor([user], { dtype: 'int64', device: this.opts.device }), T.narrow(z, 0, 0, 1), T.narrow(z, 0, 1, 1)),
      ).item();
    });
  }

  /** A new user from outfits they like (catalog item ids): their theta_u learned with the model frozen, stored, usable at once. */
  async createUser(
    id: string,
    outfits: { top: string; bottom: string }[],
  ): Promise<{ id: string; outfits: number; ms: number; startedFrom: string }> {
    const m = this.designer;
    if (!m || m.config.userCond !== 'vector')
      throw new ApiError('NOT_SUPPORTED', `this run's model (${this.trained.config.method ?? 'designer'}) has no user vectors to learn`);
    if (!ID.test(id)) throw new ApiError('BAD_REQUEST', `a user id is 1-64 letters, digits, '-' or '_'; got '${id.slice(0, 80)}'`);
    if (this.trained.users.includes(id) || this.store.has(this.trained.iteration, id))
      throw new ApiError('USER_EXISTS', `user '${id}' already exists`);
    const rows: CodedOutfit[] = outfits.map((o) => ({ top: this.item('top', o.top), bottom: this.item('bottom', o.bottom) }));
    const t0 = performance.now();
    // F's codes of every catalog item, from the retrieval indexes (row i = item i: they cover the whole catalog).
    const [top, bottom] = await Promise.all([this.index('top'), this.index('bottom')]);
    if (top.items.some((v, i) => v !== i) || bottom.items.some((v, i) => v !== i))
      throw new Error('the catalog index does not cover the catalog in order');
    const others = this.dataset.outfits.filter((o) => o.split === 'train').map((o) => ({ top: o.top, bottom: o.bottom }));
    const r = foldInUsers(m, { tops: top.codes, bottoms: bottom.codes, users: [rows], others }, DEFAULT_FOLD_IN);
    try {
      const theta = r.theta.data() as Float32Array;
      if (!this.store.add(this.trained.iteration, { id, theta, outfits })) throw new ApiError('USER_EXISTS', `user '${id}' already exists`);
      m.appendUsers(r.theta);
      this.trained.users.push(id);
      this.created.add(id);
      return {
        id,
        outfits: rows.length,
        ms: performance.now() - t0,
        startedFrom: r.startUsers[0]! >= 0 ? this.trained.users[r.startUsers[0]!]! : '',
      };
    } finally {
      r.theta.dispose();
    }
  }

  async close(): Promise<void> {
    this.batcher.drain();
    for (const p of this.indexes.values()) (await p.catch(() => null))?.dispose();
    this.store.close();
    this.trained.dispose();
  }
}
