// SGD with momentum, dampening, Nesterov and L2 weight decay, as torch.optim.SGD:
//   g += wd p;  buf = mu buf + (1 - dampening) g  (buf = g on the first step)
//   g = nesterov ? g + mu buf : buf;  p -= lr g
import { Tensor, tidy, noGrad, mul_, add_, clone } from '../../torch/index.js';
import { Optimizer, type OptimizerState } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  private readonly buffers: (Tensor | null)[];

  constructor(params: Iterable<Tensor>, opts: SGDOptions) {
    super(params, 'SGD');
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) throw new Error('SGD: Nesterov needs momentum > 0 and dampening 0');
    this.buffers = this.params.map(() => null);
  }

  protected update(): void {
    noGrad(() =>
      tidy(() => {
        this.params.forEach((p, i) => {
          let g = p.grad;
          if (!g) return;
          if (this.weightDecay) g = g.add(p, this.weightDecay);
          if (this.momentum) {
            const buf = this.buffers[i];
            if (!buf) this.buffers[i] = this.keepState(clone(g));
            else add_(mul_(buf, this.momentum), g, 1 - this.dampening);
            g = this.nesterov ? g.add(this.buffers[i]!, this.momentum) : this.buffers[i]!;
          }
          add_(p, g, -this.lr);
        });
      }),
    );
  }

  stateDict(): OptimizerState {
    const tensors = new Map<string, Tensor>();
    this.buffers.forEach((b, i) => {
      if (b) tensors.set(`${i}.momentum_buffer`, b);
    });
    return { tensors, scalars: { lr: this.lr } };
  }

  loadStateDict(state: OptimizerState): void {
    this.checkState(state, [...state.tensors.keys()]);
    if (state.scalars.lr !== undefined) this.lr = state.scalars.lr;
    noGrad(() => {
      for (const [name, t] of state.tensors) {
        const i = Number(name.split('.')[0]);
        this.buffers[i]?.dispose();
        this.buffers[i] = this.keepState(clone(t));
      }
    });
  }
}
