// Adam (Kingma & Ba), exactly as torch.optim.Adam (amsgrad off): L2 weight
// decay added to the gradient, bias-corrected moments.
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
import { Tensor, tidy, noGrad, zerosLike, lerp_, mul_, addcmul_, addcdiv_, add_, sqrt, div_, clone } from '../../torch/index.js';
import { Optimizer, type OptimizerState } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class Adam extends Optimizer {
  lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  private stepCount = 0;
  private readonly expAvg: (Tensor | null)[];
  private readonly expAvgSq: (Tensor | null)[];

  constructor(params: Iterable<Tensor>, opts: AdamOptions = {}) {
    super(params, 'Adam');
    this.lr = opts.lr ?? 1e-3;
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.expAvg = this.params.map(() => null);
    this.expAvgSq = this.params.map(() => null);
  }

  get steps(): number {
    return this.stepCount;
  }

  protected update(): void {
    this.stepCount++;
    const [b1, b2] = this.betas;
    const bc1 = 1 - b1 ** this.stepCount;
    const bc2 = 1 - b2 ** this.stepCount;
    const stepSize = this.lr / bc1;
    noGrad(() =>
      tidy(() => {
        this.params.forEach((p, i) => {
          let g = p.grad;
          if (!g) return; // a parameter this loss did not reach
          if (this.weightDecay) g = g.add(p, this.weightDecay);
          const m = (this.expAvg[i] ??= this.keepState(zerosLike(p)));
          const v = (this.expAvgSq[i] ??= this.keepState(zerosLike(p)));
          lerp_(m, g, 1 - b1);
          addcmul_(mul_(v, b2), g, g, 1 - b2);
          const denom = add_(div_(sqrt(v), Math.sqrt(bc2)), this.eps);
          addcdiv_(p, m, denom, -stepSize);
        });
      }),
    );
  }

  stateDict(): OptimizerState {
    const tensors = new Map<string, Tensor>();
    this.params.forEach((p, i) => {
      if (this.expAvg[i]) tensors.set(`${i}.exp_avg`, this.expAvg[i]!);
      if (this.expAvgSq[i]) tensors.set(`${i}.exp_avg_sq`, this.expAvgSq[i]!);
    });
    return { tensors, scalars: { step: this.stepCount, lr: this.lr } };
  }

  loadStateDict(state: OptimizerState): void {
    const names = [...state.tensors.keys()];
    this.checkState(state, names);
    this.stepCount = state.scalars.step ?? 0;
    if (state.scalars.lr !== undefined) this.lr = state.scalars.lr;
    noGrad(() => {
      for (const [name, t] of state.tensors) {
        const [idx, kind] = name.split('.') as [string, string];
        const slot = kind === 'exp_avg' ? this.expAvg : kind === 'exp_avg_sq' ? this.expAvgSq : null;
        if (!slot) throw new Error(`Adam: unknown optimizer state '${name}'`);
        slot[Number(idx)]?.dispose();
        slot[Number(idx)] = this.keepState(clone(t));
      }
    });
  }
}
