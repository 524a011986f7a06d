// pix2pix (Isola et al., CVPR 2017) adapted to "query item -> complementary
// item" at 64x64: per designed category, a U-Net generator G(query) and a
// PatchGAN discriminator D(query, image) that judges 70x70-style patches of the
// pair stacked along channels; G is trained by the conditional GAN loss plus
// lambda_L1 * |G(query) - ground-truth complement|_1 (lambda_L1 = 100, as the
// paper). No users: every user gets the same design for a query.
//   U-Net (64x64, six 4x4 stride-2 levels to 1x1; ngf = the preset's width):
//     down  C(ngf) C(2ngf) C(4ngf) C(8ngf) C(8ngf) C(8ngf)      (LeakyReLU 0.2; BN but outermost/innermost)
//     up    U(8ngf)+drop U(8ngf)+drop U(4ngf)+drop U(2ngf) U(ngf) U(3)+tanh, each after its mirror's skip
//   Designs are drawn in eval mode (dropout off), as every model here: the paper keeps dropout on at test
//   time as its only noise, which would make pix2pix's designs vary from call to call.
//   PatchGAN (n_layers 3): C(ndf, s2) C(2ndf, s2) C(4ndf, s2) C(8ndf, s1) C(1, s1): 6x6 patch scores at 64x64
import * as T from '../../torch/index.js';
import * as nn from '../../nn/index.js';
import type { Category } from '../designer.js';
import { BaselineModel, bceGanLoss, type BaselineConfig } from './baseline_model.js';

const K = 4; // every conv of pix2pix is 4x4 (stride 2, padding 1 unless noted)

class Down extends nn.Module {
  readonly conv: nn.Conv2d;
  readonly bn: nn.BatchNorm2d | null;
  constructor(
    cin: number,
    cout: number,
    readonly act: boolean,
    norm: boolean,
  ) {
    super();
    this.conv = this.registerModule('conv', new nn.Conv2d(cin, cout, K, { stride: 2, padding: 1, bias: !norm }));
    this.bn = norm ? this.registerModule('bn', new nn.BatchNorm2d(cout)) : null;
  }
  forward(x: T.Tensor): T.Tensor {
    const y = this.conv.forward(this.act ? T.leakyRelu(x, 0.2) : x);
    return this.bn ? this.bn.forward(y) : y;
  }
}

class Up extends nn.Module {
  readonly conv: nn.ConvTranspose2d;
  readonly bn: nn.BatchNorm2d | null;
  readonly drop: nn.Dropout | null;
  constructor(cin: number, cout: number, norm: boolean, dropout: boolean) {
    super();
    this.conv = this.registerModule('conv', new nn.ConvTranspose2d(cin, cout, K, { stride: 2, padding: 1, bias: !norm }));
    this.bn = norm ? this.registerModule('bn', new nn.BatchNorm2d(cout)) : null;
    this.drop = dropout ? this.registerModule('drop', new nn.Dropout(0.5)) : null;
  }
  forward(x: T.Tensor): T.Tensor {
    let y = this.conv.forward(T.relu(x));
    if (this.bn) y = this.bn.forward(y);
    return this.drop ? this.drop.forward(y) : y;
  }
}

/** query [B, 3, 64, 64] -> design [B, 3, 64, 64] in [-1, 1] */
export class UNetGenerator extends nn.Module {
  readonly downs: Down[] = [];
  readonly ups: Up[] = [];
  constructor(ngf: number) {
    super();
    const w = [ngf, 2 * ngf, 4 * ngf, 8 * ngf, 8 * ngf, 8 * ngf]; // 32, 16, 8, 4, 2, 1
    w.forEach((c, i) =>
      this.downs.push(this.registerModule(`down${i}`, new Down(i === 0 ? 3 : w[i - 1]!, c, i > 0, i > 0 && i < w.length - 1))),
    );
    // up i mirrors down (5 - i): input = previous up (+ its skip), output = down (4 - i)'s width, the last one RGB
    for (let i = 0; i < w.length; i++) {
      const cin = i === 0 ? w[5]! : 2 * w[5 - i]!;
      const cout = i === w.length - 1 ? 3 : w[4 - i]!;
      this.ups.push(this.registerModule(`up${i}`, new Up(cin, cout, i < w.length - 1, i < 3))); // dropout in the three innermost, as the paper's CD512 x 3
    }
    nn.dcganInit(this);
  }
  forward(x: T.Tensor): T.Tensor {
    const skips: T.Tensor[] = [];
    let h = x;
    for (const d of this.downs) {
      h = d.forward(h);
      skips.push(h);
    }
    for (let i = 0; i < this.ups.length; i++) {
      h = this.ups[i]!.forward(i === 0 ? h : T.cat([h, skips[5 - i]!], 1));
    }
    return T.tanh(h);
  }
}

/** (query, image) [B, 3, 64, 64] each -> patch logits [B, 1, 6, 6] */
export class PatchDiscriminator extends nn.Module {
  readonly net: nn.Sequential;
  constructor(ndf: number) {
    super();
    this.net = this.registerModule(
      'net',
      new nn.Sequential(
        new nn.Conv2d(6, ndf, K, { stride: 2, padding: 1 }),
        new nn.LeakyReLU(0.2),
        new nn.Conv2d(ndf, 2 * ndf, K, { stride: 2, padding: 1, bias: false }),
        new nn.BatchNorm2d(2 * ndf),
        new nn.LeakyReLU(0.2),
        new nn.Conv2d(2 * ndf, 4 * ndf, K, { stride: 2, padding: 1, bias: false }),
        new nn.BatchNorm2d(4 * ndf),
        new nn.LeakyReLU(0.2),
        new nn.Conv2d(4 * ndf, 8 * ndf, K, { stride: 1, padding: 1, bias: false }),
        new nn.BatchNorm2d(8 * ndf),
        new nn.LeakyReLU(0.2),
        new nn.Conv2d(8 * ndf, 1, K, { stride: 1, padding: 1 }),
      ),
    );
    nn.dcganInit(this);
  }
  forward(query: T.Tensor, image: T.Tensor): T.Tensor {
    return T.toDtype(this.net.forward(T.cat([query, image], 1)), 'float32'); // float32 for the losses
  }
}

export interface Pix2pixConfig extends BaselineConfig {
  ngf: number;
  ndf: number;
}

export class Pix2pix extends BaselineModel {
  readonly generators = new Map<Category, UNetGenerator>();
  readonly discriminators = new Map<Category, PatchDiscriminator>();

  constructor(override readonly config: Pix2pixConfig) {
    super(config);
    for (const c of config.targets) {
      this.generators.set(c, this.registerModule(`gen_${c}`, new UNetGenerator(config.ngf)));
      this.discriminators.set(c, this.registerModule(`disc_${c}`, new PatchDiscriminator(config.ndf)));
    }
  }

  generator(c: Category): UNetGenerator {
    this.checkTarget(c);
    return this.generators.get(c)!;
  }

  translate(target: Category, queries: T.Tensor): T.Tensor {
    return this.generator(target).forward(queries);
  }
}

/** The vanilla (BCE) GAN loss on patch logits. */
export const patchGanLoss = bceGanLoss;
