// Spectral normalization (Miyato et al., ICLR 2018): a layer's weight W [out, ...] used as
// W / sigma(W), sigma the largest singular value of W viewed as [out, in * k * k], estimated by one
// step of power iteration per training forward (u [out] persists as a buffer; in eval mode u is
// read, not updated). Keeps a discriminator 1-Lipschitz per layer, without batch statistics.
import * as T from '../torch/index.js';
import { Module } from './module.js';
import { Conv2d } from './conv.js';
import { Linear } from './linear.js';

const unit = (x: T.Tensor) => T.div(x, T.add(T.norm(x), 1e-12));

export class SpectralNorm extends Module {
  readonly u: T.Tensor; // [out], float32

  constructor(readonly layer: Conv2d | Linear) {
    super();
    this.registerModule('layer', layer);
    const out = layer.weight.size(0);
    this.u = this.registerBuffer(
      'u',
      T.noGrad(() => T.tidy(() => T.keep(unit(T.randn([out]))))),
    );
  }

  /** W / sigma(W) (float32, with gradient through W and sigma; u and v are constants). */
  normalizedWeight(): T.Tensor {
    const w = this.layer.weight;
    const W = T.reshape(w, [w.size(0), -1]); // [out, in * k * k]
    // u and v enter the graph as copies: u is updated in place by the next training forward,
    // which would otherwise invalidate this forward's saved tensors (PyTorch clones them too).
    const [u, v] = T.noGrad(() => {
      const v = unit(T.matmul(T.transpose(W, 0, 1), this.u)); // [in * k * k]
      if (this.training) T.copy_(this.u, unit(T.matmul(W, v)));
      return [T.clone(this.u), v];
    });
    const sigma = T.sum(T.mul(u, T.matmul(W, v))); // []
    return T.div(w, sigma);
  }

  forward(x: T.Tensor): T.Tensor {
    const w = T.withPrecision('fp32', x.device as T.Device, () => this.normalizedWeight());
    const l = this.layer;
    return l instanceof Conv2d ? T.conv2d(x, w, l.bias, l.stride, l.padding, l.dilation, l.groups) : T.linear(x, w, l.bias);
  }
}
