// Optimizer base: owns one set of parameters (different optimizers can own
// disjoint sets, as the paper's Algorithm 1 needs), clears their gradients,
// and exposes its state for checkpoints that resume bit-exactly.
import { Tensor, keep } from '../../torch/index.js';
import type { Module } from '../module.js';

export interface OptimizerState {
  /** Per-parameter tensors, e.g. "0.exp_avg". */
  tensors: Map<string, Tensor>;
  /** Scalars such as step counts. */
  scalars: Record<string, number>;
}

export abstract class Optimizer {
  readonly params: Tensor[];
  /** The learning rate; may be changed between steps (schedules, warm-up phases). */
  abstract lr: number;

  constructor(
    params: Iterable<Tensor>,
    readonly name: string,
  ) {
    this.params = [...params];
    if (this.params.length === 0) throw new Error(`${name}: no parameters to optimize`);
    if (new Set(this.params).size !== this.params.length) throw new Error(`${name}: a parameter is listed twice`);
    for (const p of this.params) if (!p.requiresGrad) throw new Error(`${name}: a parameter does not require grad`);
  }

  /** Clears the gradients of this optimizer's parameters only. */
  zeroGrad(): void {
    for (const p of this.params) p.setGrad(null);
  }

  /**
   * Called with this optimizer's parameters just before each update, after backward(): the place
   * where data-parallel training averages gradients across processes (src/dist/data_parallel.ts).
   */
  gradientHook: ((params: Tensor[]) => void) | null = null;

  /** One update of the parameters from their gradients (after the gradient hook, if any). */
  step(): void {
    this.gradientHook?.(this.params);
    this.update();
  }

  protected abstract update(): void;

  /** Frees the optimizer's state tensors (the optimizer is unusable after). */
  dispose(): void {
    for (const t of this.stateDict().tensors.values()) t.dispose();
  }
  abstract stateDict(): OptimizerState;
  abstract loadStateDict(state: OptimizerState): void;

  protected keepState(t: Tensor): Tensor {
    return keep(t);
  }

  protected checkState(state: OptimizerState, names: string[]): void {
    const missing = names.filter((n) => !state.tensors.has(n));
    if (missing.length) throw new Error(`${this.name}: optimizer state lacks ${missing.join(', ')}`);
    for (const n of names) {
      const i = Number(n.split('.')[0]);
      const s = state.tensors.get(n)!;
      if (s.shape.join(',') !== this.params[i]!.shape.join(',')) {
        throw new Error(
          `${this.name}: optimizer state '${n}' has shape [${s.shape.join(', ')}], parameter ${i} is [${this.params[i]!.shape.join(', ')}]`,
        );
      }
    }
  }
}

/** The parameters of several modules (or tensors), checked to be disjoint. */
export function parametersOf(...sources: (Module | Tensor | Tensor[])[]): Tensor[] {
  const out: Tensor[] = [];
  for (const s of sources) {
    if (s instanceof Tensor) out.push(s);
    else if (Array.isArray(s)) out.push(...s);
    else out.push(...s.parameters());
  }
  if (new Set(out).size !== out.length) throw new Error('parametersOf: the sources share a parameter');
  return out;
}
