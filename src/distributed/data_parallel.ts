// Data-parallel training on a process group, in the manner of PyTorch's
// DistributedDataParallel, for any registered model and its optimizers:
//  - every rank starts from rank 0's parameters and buffers (broadcast);
//  - every optimizer step is preceded by averaging that optimizer's gradients over the ranks
//    (Algorithm 1's three steps each average their own parameters' gradients, so F, M and
//    theta_u, D and G all stay identical across ranks);
//  - each rank takes its slice of every global batch (the sampler runs identically on every
//    rank from the seed, so an epoch still visits every outfit once, across ranks);
//  - batch-norm batch statistics are per rank (each normalizes its own slice; DDP's default),
//    running statistics are averaged after each iteration so every rank designs and embeds
//    alike in eval mode;
//  - per-iteration figures and the decision to stop are agreed on by one small all-reduce.
import * as T from '../torch/index.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../nn/optim/optimizer.js';
import type { OutfitBatch } from '../data/sampler.js';
import type { ProcessGroup } from './process_group.js';

export class DataParallel {
  constructor(readonly group: ProcessGroup) {}

  get rank(): number {
    return this.group.rank;
  }
  get worldSize(): number {
    return this.group.worldSize;
  }
  /** Rank 0 writes the run folder (metrics, samples, checkpoints); the others only train. */
  get isWriter(): boolean {
    return this.group.rank === 0;
  }

  /** Rank 0's parameters, buffers and optimizer state on every rank; gradients averaged before every step. */
  attach(model: Module, optimizers: Iterable<Optimizer>): void {
    const opts = [...optimizers];
    this.group.broadcastTensors([...model.parameters(), ...model.namedBuffers().map(([, b]) => b)]);
    for (const o of opts) this.group.broadcastTensors([...o.stateDict().tensors.values()]);
    for (const o of opts) {
      if (o.gradientHook) throw new Error(`${o.name}: already has a gradient hook`);
      o.gradientHook = (params) => this.group.averageGradients(params);
    }
  }

  /** Averages floating-point buffers (batch-norm running statistics) over the ranks. */
  syncBuffers(model: Module): void {
    this.group.averageTensors(
      model
        .namedBuffers()
        .map(([, b]) => b)
        .filter((b) => T.isFloating(b.dtype)),
    );
  }

  /** This rank's rows of a global batch: [rank * B/W, (rank + 1) * B/W). */
  shard(b: OutfitBatch): OutfitBatch {
    return shardBatch(b, this.rank, this.worldSize);
  }

  /**
   * The iteration's figures averaged over ranks (each rank computed them on its slice), and
   * whether any rank wants to stop (Ctrl-C, the time budget): every rank then stops at the same
   * iteration, so none is left waiting in a collective.
   */
  agree(losses: Record<string, unknown>, stop: boolean): { losses: Record<string, unknown>; stop: boolean } {
    const keys = Object.keys(losses)
      .filter((k) => typeof losses[k] === 'number')
      .sort();
    const values = keys.map((k) => losses[k] as number);
    const out = T.tidy(() => {
      const t = T.tensor([...values, stop ? 1 : 0], { dtype: 'float64' }); // [K + 1]
      this.group.averageTensors([t]);
      return t.toArray();
    });
    const agreed: Record<string, unknown> = { ...losses };
    keys.forEach((k, i) => {
      agreed[k] = out[i];
    });
    return { losses: agreed, stop: out[keys.length]! > 0 };
  }
}

export function shardBatch(b: OutfitBatch, rank: number, worldSize: number): OutfitBatch {
  const n = b.users.length;
  if (n % worldSize !== 0) throw new Error(`a batch of ${n} cannot be split evenly over ${worldSize} processes`);
  const per = n / worldSize,
    lo = rank * per,
    hi = lo + per;
  return {
    direction: b.direction,
    users: b.users.slice(lo, hi),
    query: b.query.slice(lo, hi),
    positive: b.positive.slice(lo, hi),
    negQuery: b.negQuery.slice(lo, hi),
    negComplement: b.negComplement.slice(lo, hi),
    negKind: b.negKind.slice(lo, hi),
    ...(b.swapComplement ? { swapComplement: b.swapComplement.slice(lo, hi) } : {}),
    ...(b.pickPool ? { pickPool: b.pickPool } : {}), // (not per row: every rank picks from the whole pool)
  };
}
