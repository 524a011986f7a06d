// Batches concurrent design requests into one forward pass per designed
// category: a request waits at most `waitMs` (or until `maxBatch` requests are
// queued), then every queued request of that category is designed together.
// With waitMs 0, a request is designed alone at once (no batching).
import * as T from '../torch/index.js';
import type { Category } from '../models/designer.js';
import type { FashionModel } from '../models/fashion_model.js';

interface Pending {
  query: T.Tensor; // [1, 3, S, S]: the batcher's own copy (disposed after its flush)
  user: number;
  resolve: (design: T.Tensor) => void; // [1, 3, S, S] float32 (kept: the caller disposes it)
  reject: (e: Error) => void;
}

export interface BatcherStats {
  requests: number;
  batches: number;
}

export class DesignBatcher {
  private readonly queues = new Map<Category, Pending[]>();
  private readonly timers = new Map<Category, NodeJS.Timeout>();
  readonly stats: BatcherStats = { requests: 0, batches: 0 };

  constructor(private readonly model: FashionModel, readonly waitMs: number, readonly maxBatch = 64) {}

  /** The design for one query [1, 3, S, S] and one model user (the query is copied: the caller may dispose it at once). */
  design(query: T.Tensor, user: number, target: Category): Promise<T.Tensor> {
    this.stats.requests++;
    const own = T.tidy(() => T.keep(query.clone()));
    return new Promise((resolve, reject) => {
      const q = this.queues.get(target) ?? [];
      q.push({ query: own, user, resolve, reject });
      this.queues.set(target, q);
      if (this.waitMs <= 0 || q.length >= this.maxBatch) this.flush(target);
      else if (!this.timers.has(target)) this.timers.set(target, setTimeout(() => this.flush(target), this.waitMs));
    });
  }

  private flush(target: Category): void {
    const t = this.timers.get(target);
    if (t) clearTimeout(t);
    this.timers.delete(target);
    const batch = this.queues.get(target) ?? [];
    this.queues.set(target, []);
    if (!batch.length) return;
    this.stats.batches++;
    try {
      const out = T.tidy(() => {
        const d = this.model.design(T.cat(batch.map((p) => p.query), 0), T.tensor(batch.map((p) => p.user), { dtype: 'int64', device: this.model.device }), target);
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
