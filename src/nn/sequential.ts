// Sequential: layers applied in order, named "0", "1", ... as in PyTorch.
import type { Tensor } from '../torch/index.js';
import { Module, type LayerModule } from './module.js';

export class Sequential extends Module {
  readonly layers: LayerModule[];

  constructor(...layers: LayerModule[]) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => this.registerModule(String(i), l));
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const l of this.layers) y = l.forward(y);
    return y;
  }
}
