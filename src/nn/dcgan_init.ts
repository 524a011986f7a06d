// DCGAN's initialization (Radford et al. 2016): conv and transposed-conv
// weights N(0, 0.02), BatchNorm weight N(1, 0.02) and bias 0; with `linear`,
// Linear weights N(0, 0.02) and biases 0 too.
import { Module } from './module.js';
import { Conv2d } from './conv.js';
import { ConvTranspose2d } from './conv_transpose.js';
import { BatchNorm1d, BatchNorm2d } from './batchnorm.js';
import { Linear } from './linear.js';
import { constantInit_, normalInit_ } from './init.js';

export function dcganInit(root: Module, opts: { linear?: boolean } = {}): void {
  for (const [, m] of root.namedModules()) {
    if (m instanceof Conv2d || m instanceof ConvTranspose2d || (opts.linear && m instanceof Linear)) {
      normalInit_(m.weight, 0, 0.02);
      if (m.bias) constantInit_(m.bias, 0);
    } else if (m instanceof BatchNorm2d || m instanceof BatchNorm1d) {
      if (m.weight) normalInit_(m.weight, 1, 0.02);
      if (m.bias) constantInit_(m.bias, 0);
    }
  }
}
