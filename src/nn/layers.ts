// Parameter-free layers: activations, dropout, reshaping.
import { Tensor, relu, leakyRelu, tanh, sigmoid, dropout, flatten, reshape, resizeNearest } from '../torch/index.js';
import { Module } from './module.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
}

/** Nearest-neighbour upsampling by an integer factor: [N, C, H, W] -> [N, C, H * f, W * f]. */
export class UpsampleNearest extends Module {
  constructor(readonly factor: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return resizeNearest(x, [x.size(2) * this.factor, x.size(3) * this.factor]);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** Zeroes activations with probability p in training mode (scaled by 1/(1-p)); identity in eval mode. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (p < 0 || p > 1) throw new RangeError(`Dropout: p must be in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}

/** [N, ...] -> [N, prod(...)] (dims startDim..endDim merged). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

/** [N, prod(shape)] -> [N, ...shape], e.g. a decoder's fc output to [N, 256, 4, 4]. */
export class Unflatten extends Module {
  constructor(readonly shape: number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return reshape(x, [x.size(0), ...this.shape]);
  }
}
