// Batches concurrent design requests into one forward pass per designed
// category: a request waits at most `waitMs` (or until `maxBatch` requests are
// queued), then every queued request of that category is designed together.
// With waitMs 0, a request is designed alone at once (no batching).
// A request brings its query as an image, or, for the paper's designer, as
// the query's code z_q (a server caches those per catalog item: F is skipped).
import * as T from '../torch/index.js';
import type { Category } from '../models/designer.js';
import { isDesigner, type FashionModel } from '../models/fashion_model.js';

/** What a request designs from: query image(s) [1, 3, S, S], or a designer's query code z_q [1, latent]. */
export type QueryInput = { image: T.Tensor; code?: undefined } | { code: T.Tensor; image?: undefined };

interface Pending {
  query: T.Tensor; // [1, 3, S, S] or [1, latent]: the batcher's own copy (disposed after its flush)
  user: number;
  resolve: (design: T.Tensor) => void; // [1, 3, S, S] float32 (kept: the caller disposes it)
  reject: (e: Error) => void;
}

export interface BatcherStats {
  requests: number;
  batches: number;
}

export class DesignBatcher {
  // One queue per designed category and kind of query (images and codes go through different passes).
  private readonly queues = new Map<string, Pending[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  readonly stats: BatcherStats = { requests: 0, batches: 0 };

  constructor(
    private readonly model: FashionModel,
    readonly waitMs: number,
    readonly maxBatch = 64,
  ) {}

  /** The design for one query and one model user (the query is copied: the caller may dispose it at once). */
  design(query: QueryInput, user: number, target: Category): Promise<T.Tensor> {
    if (query.code && !isDesigner(this.model))
      return Promise.reject(
        new Error(`designing from query codes needs the paper's designer; this model is ${this.model.constructor.name}`),
      );
    this.stats.requests++;
    const key = `${target}:${query.code ? 'code' : 'image'}`;
    const own = T.tidy(() => T.keep((query.code ?? query.image).clone()));
    return new Promise((resolve, reject) => {
      const q = this.queues.get(key) ?? [];
      q.push({ query: own, user, resolve, reject });
      this.queues.set(key, q);
      if (this.waitMs <= 0 || q.length >= this.maxBatch) this.flush(key);
      else if (!this.timers.has(key))
        this.timers.set(
          key,
          setTimeout(() => this.flush(key), this.waitMs),
        );
    });
  }

  private flush(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    const batch = this.queues.get(key) ?? [];
    this.queues.set(key, []);
    if (!batch.length) return;
    this.stats.batches++;
    const [target, kind] = key.split(':') as [Category, 'code' | 'image'];
    try {
      const out = T.tidy(() => {
        const queries = T.cat(
          batch.map((p) => p.query),
          0,
        );
        const users = T.tensor(
          batch.map((p) => p.user),
          { dtype: 'int64', device: this.model.device },
        );
        const d =
          kind === 'code' && isDesigner(this.model)
            ? this.model.designFromCodes(queries, users, target)
            : this.model.design(queries, users, target);
        return batch.map((_, i) => T.keep(T.toDevice(T.narrow(d, 0, i, 1), 'cpu').contiguous()));
      });
      batch.forEach((p, i) => p.resolve(out[i]!));
    } catch (e) {
      for (const p of batch) p.reject(e as Error);
    } finally {
      T.dispose(batch.map((p) => p.query));
    }
  }

  /** Designs whatever is queued now (shutdown). */
  drain(): void {
    for (const c of [...this.queues.keys()]) this.flush(c);
  }
}
