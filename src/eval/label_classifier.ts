// The domain classifier of a labelled real data set (no oracle there): the world classifier's
// trunk with three heads, category (top / bottom), product type and colour group, trained on
// the TRAINING split's item photos with their own labels (item_labels.ts), checked on the test
// items it has not seen. Its 128-d features give the domain FID, precision and recall, its
// product-type classes the domain IS; the category and colour heads read designs for the
// category check and the colour-taste check. Trained once per data set and cached.
import { existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';
import { classifierTrunk } from '../data/world/classifier.js';
import { bytesToUnit } from '../data/images.js';
import type { SplitImages } from '../data/cache.js';
import type { FeatureNet } from './feature_nets.js';
import type { ItemLabels } from './item_labels.js';

export class LabelClassifier extends nn.Module {
  readonly features: nn.Sequential;
  readonly category: nn.Linear;
  readonly productType: nn.Linear;
  readonly colour: nn.Linear;

  constructor(
    readonly productTypes: number,
    readonly colours: number,
    width = 32,
  ) {
    super();
    this.features = this.registerModule('features', classifierTrunk(width));
    this.category = this.registerModule('category', new nn.Linear(128, 2)); // 0 = top, 1 = bottom
    this.productType = this.registerModule('product_type', new nn.Linear(128, productTypes));
    this.colour = this.registerModule('colour', new nn.Linear(128, colours));
  }

  /** x [N, 3, S, S] in [-1, 1] -> features [N, 128] and each head's logits. */
  forward(x: T.Tensor): { features: T.Tensor; category: T.Tensor; productType: T.Tensor; colour: T.Tensor } {
    const h = this.features.forward(x.size(2) === 64 ? x : T.resizeBilinear(x, [64, 64]));
    return { features: h, category: this.category.forward(h), productType: this.productType.forward(h), colour: this.colour.forward(h) };
  }
}

/** A split's labelled items: images uint8 [N, 3, S, S] and labels int64 [N, 3] (category, type, colour); caller's scope. */
function labelled(split: SplitImages, labels: ItemLabels, exclude?: SplitImages): { images: T.Tensor; labels: T.Tensor } | null {
  const imgs: T.Tensor[] = [],
    rows: number[][] = [];
  for (const [c, cat] of [
    ['top', 0],
    ['bottom', 1],
  ] as const) {
    const rowOf = c === 'top' ? split.topRow : split.bottomRow,
      skip = exclude && (c === 'top' ? exclude.topRow : exclude.bottomRow);
    const items = [...rowOf.keys()].filter((i) => labels[c].has(i) && !skip?.has(i));
    if (!items.length) continue;
    imgs.push(
      T.indexSelect(
        c === 'top' ? split.tops : split.bottoms,
        0,
        T.tensor(
          items.map((i) => rowOf.get(i)!),
          { dtype: 'int64' },
        ),
      ),
    );
    for (const i of items) rows.push([cat, ...labels[c].get(i)!]);
  }
  return rows.length ? { images: T.cat(imgs), labels: T.tensor(rows.flat(), { dtype: 'int64', shape: [rows.length, 3] }) } : null;
}

export interface LabelAccuracy {
  category: number;
  productType: number;
  colour: number;
  heldOut: number; // test items not in the training split
}

export function trainLabelClassifier(
  train: SplitImages,
  test: SplitImages,
  labels: ItemLabels,
  opts: { epochs?: number; seed?: number; onProgress?: (done: number, total: number) => void } = {},
): { model: LabelClassifier; accuracy: LabelAccuracy } {
  T.manualSeed(opts.seed ?? 11);
  const model = new LabelClassifier(labels.productTypes.length, labels.colourGroups.length);
  const opt = new nn.Adam(model.parameters(), { lr: 1e-3 });
  const data = T.tidy(() => {
    const l = labelled(train, labels);
    if (!l) throw new Error(`${labels.file}: no training item has labels`);
    return { images: T.keep(l.images), labels: T.keep(l.labels) };
  });
  const n = data.images.size(0),
    bs = 64;
  const epochs = opts.epochs ?? 15;
  for (let e = 0; e < epochs; e++) {
    opts.onProgress?.(e, epochs);
    const perm = T.keep(T.randperm(n));
    for (let s = 0; s < n; s += bs)
      T.tidy(() => {
        const idx = T.narrow(perm, 0, s, Math.min(bs, n - s));
        let x = bytesToUnit(T.indexSelect(data.images, 0, idx));
        if (e % 2 === 1) x = T.flip(x, [3]); // mirrored every other epoch: a garment's label does not change with its side
        const y = T.indexSelect(data.labels, 0, idx),
          out = model.forward(x);
        const loss = T.add(
          T.add(T.crossEntropy(out.category, T.select(y, 1, 0)), T.crossEntropy(out.productType, T.select(y, 1, 1))),
          T.crossEntropy(out.colour, T.select(y, 1, 2)),
        );
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
    perm.dispose();
  }
  opts.onProgress?.(epochs, epochs);
  T.dispose([data.images, data.labels]);
  opt.dispose();
  model.eval();
  const accuracy = T.tidy(() =>
    T.noGrad(() => {
      const l = labelled(test, labels, train);
      if (!l) return { category: NaN, productType: NaN, colour: NaN, heldOut: 0 };
      const out = model.forward(bytesToUnit(l.images));
      const acc = (logits: T.Tensor, k: number) => T.mean(T.toDtype(T.eq(T.argmax(logits, 1), T.select(l.labels, 1, k)), 'float32')).item();
      return {
        category: acc(out.category, 0),
        productType: acc(out.productType, 1),
        colour: acc(out.colour, 2),
        heldOut: l.images.size(0),
      };
    }),
  );
  return { model, accuracy };
}

/** The cached label classifier of a data set (trained on first use) and it as the domain feature network. */
export function labelFeatureNet(
  cacheDir: string,
  train: SplitImages,
  test: SplitImages,
  labels: ItemLabels,
  device: T.Device = 'cpu',
  onProgress?: (done: number, total: number) => void, // epochs of the first (uncached) training
): { net: FeatureNet; model: LabelClassifier; accuracy: LabelAccuracy } {
  const key = createHash('sha256')
    .update(JSON.stringify([labels.productTypes, labels.colourGroups, [...labels.top], [...labels.bottom]]))
    .digest('hex')
    .slice(0, 12);
  const file = path.join(cacheDir, `label-classifier-${key}.safetensors`);
  let model: LabelClassifier, accuracy: LabelAccuracy;
  if (existsSync(file)) {
    model = new LabelClassifier(labels.productTypes.length, labels.colourGroups.length);
    accuracy = JSON.parse(nn.loadModule(model, file).accuracy!) as LabelAccuracy;
    model.eval();
  } else {
    ({ model, accuracy } = trainLabelClassifier(train, test, labels, { onProgress }));
    mkdirSync(cacheDir, { recursive: true });
    nn.saveModule(model, file, { accuracy: JSON.stringify(accuracy) });
  }
  model.to(device);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const net: FeatureNet = {
    key: 'domain',
    label: 'domain',
    description:
      `a classifier of the data set's own labels trained on its training items (${file}; held-out accuracy on ${accuracy.heldOut} unseen items: ` +
      `category ${pct(accuracy.category)}, product type ${pct(accuracy.productType)} of ${labels.productTypes.length}, colour group ${pct(accuracy.colour)} of ${labels.colourGroups.length}): 128-d features; IS over product types`,
    embed: (x) =>
      T.noGrad(() => {
        const o = model.forward(x);
        return { features: o.features, logits: o.productType };
      }),
    dispose: () => model.dispose(),
  };
  return { net, model, accuracy };
}
