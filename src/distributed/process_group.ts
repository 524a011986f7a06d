// A c10d process group (TCPStore rendezvous + Gloo collectives, from the addon's
// native/src/distributed.cc) with the tensor-level operations data-parallel
// training needs: averaging gradients in buckets, broadcasting parameters, and
// naming the rank that died or hung when a collective fails.
import * as T from '../torch/index.js';
import { native, type TensorHandle } from '../torch/native.js';

interface NativeWork {
  wait(): void;
  promise(): Promise<void>;
}
interface NativeProcessGroup {
  connect(host: string, port: number, rank: number, worldSize: number, timeoutMs: number): Promise<void>;
  allReduce(t: TensorHandle): NativeWork;
  broadcast(t: TensorHandle, root: number): NativeWork;
  barrier(): NativeWork;
  storeSet(key: string, value: string): void;
  storeGet(key: string): string;
  storeCheck(keys: string[]): boolean;
  close(): void;
}
type NativeCtor = new () => NativeProcessGroup;

/** Where and how to meet the other ranks (torchrun's vocabulary). */
export interface Rendezvous {
  masterAddr: string;
  masterPort: number;
  rank: number;
  worldSize: number;
  timeoutMs: number; // rendezvous and every collective; a dead or hung peer fails within this
}

export class DistributedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistributedError';
  }
}

/** Whether this addon was built with c10d process groups (Gloo headers present at build time). */
export function distributedAvailable(): boolean {
  return typeof (native as unknown as { ProcessGroup?: unknown }).ProcessGroup === 'function';
}

/** DDP's default bucket size: large enough to amortize a collective's latency, small enough to pipeline. */
export const DEFAULT_BUCKET_BYTES = 25 * 1024 * 1024;

export class ProcessGroup {
  private constructor(
    private readonly pg: NativeProcessGroup,
    readonly rank: number,
    readonly worldSize: number,
    readonly timeoutMs: number,
  ) {}

  /** Joins the group: resolves once all worldSize ranks have met (rejects after timeoutMs). */
  static async connect(r: Rendezvous): Promise<ProcessGroup> {
    if (!distributedAvailable()) {
      throw new DistributedError(
        "this build of the libtorch addon has no c10d process groups: install Gloo's headers (apt-get install libgloo-dev) and rebuild (npm run build:native)",
      );
    }
    const Ctor = (native as unknown as { ProcessGroup: NativeCtor }).ProcessGroup;
    const pg = new Ctor();
    try {
      await pg.connect(r.masterAddr, r.masterPort, r.rank, r.worldSize, r.timeoutMs);
    } catch (e) {
      throw new DistributedError((e as Error).message);
    }
    return new ProcessGroup(pg, r.rank, r.worldSize, r.timeoutMs);
  }

  /** Sums t over ranks in place; resolves without blocking the event loop. */
  async allReduceAsync(t: T.Tensor): Promise<void> {
    await this.settle('allReduce', () => this.pg.allReduce(t.handle).promise());
  }

  /** Every rank's t becomes root's, in place (t contiguous, on the CPU). */
  async broadcastAsync(t: T.Tensor, root = 0): Promise<void> {
    await this.settle('broadcast', () => this.pg.broadcast(t.handle, root).promise());
  }

  async barrierAsync(): Promise<void> {
    await this.settle('barrier', () => this.pg.barrier().promise());
  }

  /** Blocking barrier (synchronous code paths, e.g. inside a training step). */
  barrier(): void {
    this.settleSync('barrier', () => this.pg.barrier().wait());
  }

  /**
   * Replaces each tensor's gradient by its mean over ranks. Gradients are packed into buckets
   * of about bucketBytes; every bucket's all-reduce is started before the first is waited for,
   * so packing and unpacking overlap with communication. A missing gradient counts as zeros.
   * Call it between backward() and the optimizer's step.
   */
  averageGradients(params: T.Tensor[], bucketBytes = DEFAULT_BUCKET_BYTES): void {
    if (this.worldSize === 1) return;
    T.tidy(() => {
      const buckets = packBuckets(params, bucketBytes);
      const flats = buckets.map((b) =>
        T.cat(
          b.map((p) => {
            const g = p.grad;
            return g ? T.reshape(g, [-1]) : T.zeros([p.numel], { dtype: p.dtype, device: p.device });
          }),
          0,
        ),
      ); // [sum of numel] per bucket
      const works = flats.map((f) => this.settleSync('allReduce', () => this.pg.allReduce(f.handle)));
      buckets.forEach((b, i) => {
        this.settleSync('allReduce', () => works[i]!.wait());
        const mean = T.div(flats[i]!, this.worldSize);
        let off = 0;
        for (const p of b) {
          p.setGrad(T.reshape(T.narrow(mean, 0, off, p.numel), p.shape));
          off += p.numel;
        }
      });
    });
  }

  /** Overwrites tensors (parameters, buffers, optimizer state) with root's values, in buckets. */
  broadcastTensors(tensors: T.Tensor[], root = 0, bucketBytes = DEFAULT_BUCKET_BYTES): void {
    if (this.worldSize === 1 || tensors.length === 0) return;
    this.reduceInPlace(
      tensors,
      bucketBytes,
      (flat) => this.pg.broadcast(flat.handle, root),
      'broadcast',
      (flat) => flat,
    );
  }

  /** Replaces tensors (e.g. batch-norm running statistics) by their mean over ranks. */
  averageTensors(tensors: T.Tensor[], bucketBytes = DEFAULT_BUCKET_BYTES): void {
    if (this.worldSize === 1 || tensors.length === 0) return;
    this.reduceInPlace(
      tensors,
      bucketBytes,
      (flat) => this.pg.allReduce(flat.handle),
      'allReduce',
      (flat) => T.div(flat, this.worldSize),
    );
  }

  private reduceInPlace(
    tensors: T.Tensor[],
    bucketBytes: number,
    start: (flat: T.Tensor) => NativeWork,
    what: string,
    finish: (flat: T.Tensor) => T.Tensor,
  ): void {
    T.noGrad(() =>
      T.tidy(() => {
        // Integer tensors (step counts, batch-norm's num_batches_tracked) travel in their own buckets.
        const byType = new Map<string, T.Tensor[]>();
        for (const t of tensors) byType.set(t.dtype, [...(byType.get(t.dtype) ?? []), t]);
        for (const group of byType.values()) {
          for (const b of packBuckets(group, bucketBytes)) {
            const flat = T.cat(
              b.map((t) => T.reshape(t, [-1])),
              0,
            );
            this.settleSync(what, () => start(flat).wait());
            const out = T.toDtype(finish(flat), b[0]!.dtype);
            let off = 0;
            for (const t of b) {
              T.copy_(t, T.reshape(T.narrow(out, 0, off, t.numel), t.shape));
              off += t.numel;
            }
          }
        }
      }),
    );
  }

  close(): void {
    this.pg.close();
  }

  private settleSync<R>(what: string, fn: () => R): R {
    try {
      return fn();
    } catch (e) {
      throw this.diagnose(what, e as Error);
    }
  }

  private async settle(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      throw this.diagnose(what, e as Error);
    }
  }

  /**
   * After a failed collective: names the ranks that are gone. Each survivor checks in under
   * "alive/<rank>" in the store and waits a moment for the others; those that never check in
   * died or hung. When the store itself is unreachable, rank 0 (its host) is the one gone.
   */
  private diagnose(what: string, e: Error): DistributedError {
    let suspects: string;
    try {
      this.pg.storeSet(`alive/${this.rank}`, '1');
      const others = Array.from({ length: this.worldSize }, (_, r) => r).filter((r) => r !== this.rank);
      const deadline = Date.now() + Math.min(3000, this.timeoutMs);
      let missing = others;
      while (Date.now() < deadline) {
        missing = others.filter((r) => !this.pg.storeCheck([`alive/${r}`]));
        if (missing.length === 0) break;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      }
      suspects = missing.length
        ? `rank${missing.length > 1 ? 's' : ''} ${missing.join(', ')} did not respond (dead or hung)`
        : 'every rank is still reachable through the store';
    } catch {
      suspects = this.rank === 0 ? 'the store is unreachable' : "rank 0 (the rendezvous store's host) is unreachable (dead or hung)";
    }
    const msg = e.message.startsWith(`rank ${this.rank}:`) ? e.message : `rank ${this.rank}: ${what} failed: ${e.message}`;
    return new DistributedError(`${msg}\n  ${suspects}; stopping (timeout ${this.timeoutMs / 1000} s).`);
  }
}

/** Consecutive tensors grouped so that each group holds about bucketBytes (at least one tensor). */
function packBuckets(tensors: T.Tensor[], bucketBytes: number): T.Tensor[][] {
  const out: T.Tensor[][] = [];
  let cur: T.Tensor[] = [],
    bytes = 0;
  for (const t of tensors) {
    const b = t.numel * bytesPer(t.dtype);
    if (cur.length && bytes + b > bucketBytes) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(t);
    bytes += b;
  }
  if (cur.length) out.push(cur);
  return out;
}

function bytesPer(dtype: T.DType): number {
  return dtype === 'float64' || dtype === 'int64'
    ? 8
    : dtype === 'float16' || dtype === 'bfloat16' || dtype === 'int16'
      ? 2
      : dtype === 'uint8' || dtype === 'int8' || dtype === 'bool'
        ? 1
        : 4;
}
