// The metric network M (Eq. 5): fully connected layers mapping the
// personalized outfit representation theta_u * z_q * z_c [N, 64] to a
// compatibility score s_{u,o} [N].
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';

export class MetricNet extends nn.Module {
  readonly mlp: nn.Sequential;

  constructor(
    readonly latent = 64,
    readonly hidden: number[] = [128],
  ) {
    super();
    const layers: nn.LayerModule[] = [];
    let d = latent;
    for (const h of hidden) {
      layers.push(new nn.Linear(d, h), new nn.LeakyReLU(0.2));
      d = h;
    }
    layers.push(new nn.Linear(d, 1));
    this.mlp = this.registerModule('mlp', new nn.Sequential(...layers));
  }

  /** o [N, latent] -> s [N] */
  forward(o: T.Tensor): T.Tensor {
    return T.toDtype(T.reshape(this.mlp.forward(o), [-1]), 'float32'); // float32 under mixed precision too
  }
}

/** s_{u,o} = M(theta_u * z_q * z_c)  (Eq. 4-5); each input [N, latent] -> [N] */
export function compatibilityScore(m: MetricNet, theta: T.Tensor, zq: T.Tensor, zc: T.Tensor): T.Tensor {
  return m.forward(T.mul(T.mul(theta, zq), zc));
}
