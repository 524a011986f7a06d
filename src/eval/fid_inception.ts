// The FID Inception-v3 network exactly as pytorch-fid defines it
// (fid_inception_v3(): torchvision's Inception3 with 1008 classes, no aux head,
// and the FID patches: TF-style average pools that ignore padding in the
// A, C and E_1 blocks, and a max pool in the last E block), so that its
// state-dict names match pt_inception-2015-12-05-6726825d.pth one to one.
//   input [N, 3, H, W] in [-1, 1] -> bilinear resize to 299x299 (align_corners false)
//   -> pool3 features [N, 2048] and logits [N, 1008] (fc without its bias, as
//      torch-fidelity's "logits_unbiased" that its Inception Score uses).
// (pytorch-fid takes [0, 1] input and maps it to [-1, 1] after resizing; the
// resize is linear, so resizing [-1, 1] input directly is the same.)
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';

type P = number | [number, number];

/** torchvision's BasicConv2d: conv (no bias) + BatchNorm (eps 0.001) + ReLU. */
class BasicConv2d extends nn.Module {
  readonly conv: nn.Conv2d;
  readonly bn: nn.BatchNorm2d;
  constructor(cin: number, cout: number, kernel: P, o: { stride?: P; padding?: P } = {}) {
    super();
    this.conv = this.registerModule('conv', new nn.Conv2d(cin, cout, kernel, { ...o, bias: false }));
    this.bn = this.registerModule('bn', new nn.BatchNorm2d(cout, { eps: 0.001 }));
  }
  forward(x: T.Tensor): T.Tensor {
    return T.relu(this.bn.forward(this.conv.forward(x)));
  }
}

const avgPoolTf = (x: T.Tensor) => T.avgPool2d(x, 3, 1, 1, false); // padding not counted (TF)

class InceptionA extends nn.Module {
  private readonly b: Record<string, BasicConv2d> = {};
  constructor(cin: number, poolFeatures: number) {
    super();
    const add = (n: string, m: BasicConv2d) => (this.b[n] = this.registerModule(n, m));
    add('branch1x1', new BasicConv2d(cin, 64, 1));
    add('branch5x5_1', new BasicConv2d(cin, 48, 1));
    add('branch5x5_2', new BasicConv2d(48, 64, 5, { padding: 2 }));
    add('branch3x3dbl_1', new BasicConv2d(cin, 64, 1));
    add('branch3x3dbl_2', new BasicConv2d(64, 96, 3, { padding: 1 }));
    add('branch3x3dbl_3', new BasicConv2d(96, 96, 3, { padding: 1 }));
    add('branch_pool', new BasicConv2d(cin, poolFeatures, 1));
  }
  forward(x: T.Tensor): T.Tensor {
    const b = this.b;
    return T.cat(
      [
        b.branch1x1!.forward(x),
        b.branch5x5_2!.forward(b.branch5x5_1!.forward(x)),
        b.branch3x3dbl_3!.forward(b.branch3x3dbl_2!.forward(b.branch3x3dbl_1!.forward(x))),
        b.branch_pool!.forward(avgPoolTf(x)),
      ],
      1,
    );
  }
}

class InceptionB extends nn.Module {
  private readonly b: Record<string, BasicConv2d> = {};
  constructor(cin: number) {
    super();
    const add = (n: string, m: BasicConv2d) => (this.b[n] = this.registerModule(n, m));
    add('branch3x3', new BasicConv2d(cin, 384, 3, { stride: 2 }));
    add('branch3x3dbl_1', new BasicConv2d(cin, 64, 1));
    add('branch3x3dbl_2', new BasicConv2d(64, 96, 3, { padding: 1 }));
    add('branch3x3dbl_3', new BasicConv2d(96, 96, 3, { stride: 2 }));
  }
  forward(x: T.Tensor): T.Tensor {
    const b = this.b;
    return T.cat(
      [b.branch3x3!.forward(x), b.branch3x3dbl_3!.forward(b.branch3x3dbl_2!.forward(b.branch3x3dbl_1!.forward(x))), T.maxPool2d(x, 3, 2)],
      1,
    );
  }
}

class InceptionC extends nn.Module {
  private readonly b: Record<string, BasicConv2d> = {};
  constructor(cin: number, c7: number) {
    super();
    const add = (n: string, m: BasicConv2d) => (this.b[n] = this.registerModule(n, m));
    const row = { padding: [0, 3] as [number, number] },
      col = { padding: [3, 0] as [number, number] };
    add('branch1x1', new BasicConv2d(cin, 192, 1));
    add('branch7x7_1', new BasicConv2d(cin, c7, 1));
    add('branch7x7_2', new BasicConv2d(c7, c7, [1, 7], row));
    add('branch7x7_3', new BasicConv2d(c7, 192, [7, 1], col));
    add('branch7x7dbl_1', new BasicConv2d(cin, c7, 1));
    add('branch7x7dbl_2', new BasicConv2d(c7, c7, [7, 1], col));
    add('branch7x7dbl_3', new BasicConv2d(c7, c7, [1, 7], row));
    add('branch7x7dbl_4', new BasicConv2d(c7, c7, [7, 1], col));
    add('branch7x7dbl_5', new BasicConv2d(c7, 192, [1, 7], row));
    add('branch_pool', new BasicConv2d(cin, 192, 1));
  }
  forward(x: T.Tensor): T.Tensor {
    const b = this.b;
    const chain = (names: string[]) => names.reduce((h, n) => b[n]!.forward(h), x);
    return T.cat(
      [
        b.branch1x1!.forward(x),
        chain(['branch7x7_1', 'branch7x7_2', 'branch7x7_3']),
        chain(['branch7x7dbl_1', 'branch7x7dbl_2', 'branch7x7dbl_3', 'branch7x7dbl_4', 'branch7x7dbl_5']),
        b.branch_pool!.forward(avgPoolTf(x)),
      ],
      1,
    );
  }
}

class InceptionD extends nn.Module {
  private readonly b: Record<string, BasicConv2d> = {};
  constructor(cin: number) {
    super();
    const add = (n: string, m: BasicConv2d) => (this.b[n] = this.registerModule(n, m));
    add('branch3x3_1', new BasicConv2d(cin, 192, 1));
    add('branch3x3_2', new BasicConv2d(192, 320, 3, { stride: 2 }));
    add('branch7x7x3_1', new BasicConv2d(cin, 192, 1));
    add('branch7x7x3_2', new BasicConv2d(192, 192, [1, 7], { padding: [0, 3] }));
    add('branch7x7x3_3', new BasicConv2d(192, 192, [7, 1], { padding: [3, 0] }));
    add('branch7x7x3_4', new BasicConv2d(192, 192, 3, { stride: 2 }));
  }
  forward(x: T.Tensor): T.Tensor {
    const b = this.b;
    const chain = (names: string[]) => names.reduce((h, n) => b[n]!.forward(h), x);
    return T.cat(
      [
        chain(['branch3x3_1', 'branch3x3_2']),
        chain(['branch7x7x3_1', 'branch7x7x3_2', 'branch7x7x3_3', 'branch7x7x3_4']),
        T.maxPool2d(x, 3, 2),
      ],
      1,
    );
  }
}

/** pool: 'avg' for Mixed_7b (FIDInceptionE_1), 'max' for Mixed_7c (FIDInceptionE_2). */
class InceptionE extends nn.Module {
  private readonly b: Record<string, BasicConv2d> = {};
  constructor(
    cin: number,
    private readonly pool: 'avg' | 'max',
  ) {
    super();
    const add = (n: string, m: BasicConv2d) => (this.b[n] = this.registerModule(n, m));
    add('branch1x1', new BasicConv2d(cin, 320, 1));
    add('branch3x3_1', new BasicConv2d(cin, 384, 1));
    add('branch3x3_2a', new BasicConv2d(384, 384, [1, 3], { padding: [0, 1] }));
    add('branch3x3_2b', new BasicConv2d(384, 384, [3, 1], { padding: [1, 0] }));
    add('branch3x3dbl_1', new BasicConv2d(cin, 448, 1));
    add('branch3x3dbl_2', new BasicConv2d(448, 384, 3, { padding: 1 }));
    add('branch3x3dbl_3a', new BasicConv2d(384, 384, [1, 3], { padding: [0, 1] }));
    add('branch3x3dbl_3b', new BasicConv2d(384, 384, [3, 1], { padding: [1, 0] }));
    add('branch_pool', new BasicConv2d(cin, 192, 1));
  }
  forward(x: T.Tensor): T.Tensor {
    const b = this.b;
    const h3 = b.branch3x3_1!.forward(x);
    const hd = b.branch3x3dbl_2!.forward(b.branch3x3dbl_1!.forward(x));
    const pooled = this.pool === 'avg' ? avgPoolTf(x) : T.maxPool2d(x, 3, 1, 1);
    return T.cat(
      [
        b.branch1x1!.forward(x),
        T.cat([b.branch3x3_2a!.forward(h3), b.branch3x3_2b!.forward(h3)], 1),
        T.cat([b.branch3x3dbl_3a!.forward(hd), b.branch3x3dbl_3b!.forward(hd)], 1),
        b.branch_pool!.forward(pooled),
      ],
      1,
    );
  }
}

export const FID_INCEPTION_CLASSES = 1008;
export const FID_FEATURE_DIM = 2048;

export class FidInceptionV3 extends nn.Module {
  private readonly stem: [string, nn.Module & nn.Layer][] = [];
  readonly fc: nn.Linear;

  constructor() {
    super();
    const add = (n: string, m: nn.Module & nn.Layer) => this.stem.push([n, this.registerModule(n, m)]);
    add('Conv2d_1a_3x3', new BasicConv2d(3, 32, 3, { stride: 2 }));
    add('Conv2d_2a_3x3', new BasicConv2d(32, 32, 3));
    add('Conv2d_2b_3x3', new BasicConv2d(32, 64, 3, { padding: 1 }));
    add('Conv2d_3b_1x1', new BasicConv2d(64, 80, 1));
    add('Conv2d_4a_3x3', new BasicConv2d(80, 192, 3));
    add('Mixed_5b', new InceptionA(192, 32));
    add('Mixed_5c', new InceptionA(256, 64));
    add('Mixed_5d', new InceptionA(288, 64));
    add('Mixed_6a', new InceptionB(288));
    add('Mixed_6b', new InceptionC(768, 128));
    add('Mixed_6c', new InceptionC(768, 160));
    add('Mixed_6d', new InceptionC(768, 160));
    add('Mixed_6e', new InceptionC(768, 192));
    add('Mixed_7a', new InceptionD(768));
    add('Mixed_7b', new InceptionE(1280, 'avg'));
    add('Mixed_7c', new InceptionE(2048, 'max'));
    this.fc = this.registerModule('fc', new nn.Linear(FID_FEATURE_DIM, FID_INCEPTION_CLASSES));
    this.eval();
  }

  /** x [N, 3, H, W] in [-1, 1] -> pool3 [N, 2048] and unbiased logits [N, 1008]. */
  forward(x: T.Tensor): { features: T.Tensor; logits: T.Tensor } {
    let h = T.resizeBilinear(x, [299, 299], false);
    for (const [name, m] of this.stem) {
      h = m.forward(h);
      if (name === 'Conv2d_2b_3x3' || name === 'Conv2d_4a_3x3') h = T.maxPool2d(h, 3, 2); // maxpool1, maxpool2
    }
    const features = T.flatten(T.adaptiveAvgPool2d(h, 1), 1); // [N, 2048]
    return { features, logits: T.mm(features, T.transpose(this.fc.weight, 0, 1)) };
  }
}

/** Loads the converted pytorch-fid weights (safetensors); num_batches_tracked may be absent (older PyTorch). */
export function loadFidInception(file: string): FidInceptionV3 {
  const net = new FidInceptionV3();
  const { tensors } = T.loadTensors(file);
  try {
    for (const [k, v] of net.stateDict()) {
      if (k.endsWith('num_batches_tracked') && !tensors.has(k)) tensors.set(k, T.keep(v.clone()));
    }
    net.loadStateDict(tensors, { what: `Inception weights ${file}` });
  } catch (e) {
    net.dispose();
    throw new Error(
      `${(e as Error).message}\n(expected pytorch-fid's pt_inception-2015-12-05-6726825d.pth converted to safetensors; see docs/evaluation.md)`,
    );
  } finally {
    T.dispose([...tensors.values()]);
  }
  return net;
}
