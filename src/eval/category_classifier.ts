// The in-domain feature network for real datasets (which have no oracle): a
// classifier of the dataset's categories (top vs bottom) trained on its own
// TRAINING item images, with the world classifier's trunk. Its 128-d
// features give "FID (domain features)" and its class probabilities
// "IS (domain classes)" (at most 2 here). Trained once per dataset and cached
// next to the dataset's image cache, with its held-out (test items) accuracy.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';
import { classifierTrunk } from '../data/world/classifier.js';
import { bytesToUnit } from '../data/images.js';
import type { SplitImages } from '../data/cache.js';
import type { FeatureNet } from './feature_nets.js';

export class CategoryClassifier extends nn.Module {
  readonly features: nn.Sequential;
  readonly head: nn.Linear;

  constructor(width = 32) {
    super();
    this.features = this.registerModule('features', classifierTrunk(width));
    this.head = this.registerModule('head', new nn.Linear(128, 2)); // 0 = top, 1 = bottom
  }

  forward(x: T.Tensor): { features: T.Tensor; logits: T.Tensor } {
    const h = this.features.forward(x.size(2) === 64 ? x : T.resizeBilinear(x, [64, 64])); // [N, 128]
    return { features: h, logits: this.head.forward(h) };
  }
}

/** Every cached image of a split with its category label: images uint8 [N, 3, S, S], labels int64 [N] (caller's scope). */
function labelled(split: SplitImages): { images: T.Tensor; labels: T.Tensor } {
  const nt = split.tops.size(0),
    nb = split.bottoms.size(0);
  return {
    images: T.cat([split.tops, split.bottoms]),
    labels: T.tensor([...new Array(nt).fill(0), ...new Array(nb).fill(1)], { dtype: 'int64' }),
  };
}

export function trainCategoryClassifier(
  train: SplitImages,
  test: SplitImages,
  opts: { epochs?: number; batch?: number; seed?: number } = {},
): { model: CategoryClassifier; accuracy: number } {
  T.manualSeed(opts.seed ?? 11);
  const model = new CategoryClassifier();
  const opt = new nn.Adam(model.parameters(), { lr: 1e-3 });
  const { images, labels } = T.tidy(() => {
    const l = labelled(train);
    return { images: T.keep(l.images), labels: T.keep(l.labels) };
  });
  const n = images.size(0),
    bs = opts.batch ?? 64;
  for (let e = 0; e < (opts.epochs ?? 3); e++) {
    const perm = T.keep(T.randperm(n));
    for (let s = 0; s < n; s += bs) {
      T.tidy(() => {
        const idx = T.narrow(perm, 0, s, Math.min(bs, n - s));
        const loss = T.crossEntropy(model.forward(bytesToUnit(T.indexSelect(images, 0, idx))).logits, T.indexSelect(labels, 0, idx));
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
    }
    perm.dispose();
  }
  T.dispose([images, labels]);
  opt.dispose();
  model.eval();
  const accuracy = T.tidy(() =>
    T.noGrad(() => {
      const l = labelled(test);
      let correct = 0;
      for (let s = 0; s < l.images.size(0); s += 256) {
        const x = bytesToUnit(T.narrow(l.images, 0, s, Math.min(256, l.images.size(0) - s)));
        correct += T.sum(T.eq(T.argmax(model.forward(x).logits, 1), T.narrow(l.labels, 0, s, x.size(0)))).item();
      }
      return correct / l.images.size(0);
    }),
  );
  return { model, accuracy };
}

/** The cached category classifier of a dataset (trained on first use) as a feature network. */
export function categoryFeatureNet(cacheDir: string, train: SplitImages, test: SplitImages, device: T.Device = 'cpu'): FeatureNet {
  const file = path.join(cacheDir, 'category-classifier.safetensors');
  let model: CategoryClassifier, accuracy: number;
  if (existsSync(file)) {
    model = new CategoryClassifier();
    accuracy = Number(nn.loadModule(model, file).accuracy);
    model.eval();
  } else {
    ({ model, accuracy } = trainCategoryClassifier(train, test));
    mkdirSync(cacheDir, { recursive: true });
    nn.saveModule(model, file, { accuracy: String(accuracy) });
  }
  model.to(device);
  return {
    key: 'domain',
    label: 'domain',
    description: `a classifier of the dataset's categories (top / bottom) trained on its training items (${file}; held-out accuracy ${(100 * accuracy).toFixed(1)}%): 128-d features; IS over its 2 classes`,
    embed: (x) => T.noGrad(() => model.forward(x)),
    dispose: () => model.dispose(),
  };
}
