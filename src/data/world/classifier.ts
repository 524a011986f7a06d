// The world's oracle classifier: reads an item's attributes (silhouette, and
// so category; main colour; pattern; pattern colour) off ANY image, such as a
// generated design. Trained on fresh renders of random items; its accuracy on
// held-out renders is measured and saved with its weights.
import * as T from '../../torch/index.js';
import * as nn from '../../nn/index.js';
import { COLOURS, PATTERNS, SILHOUETTES, categoryOf, sampleAttributes, type ItemAttributes } from './attributes.js';
import { renderItem, sampleVariation } from './render.js';
import { hwcToChw, bytesToUnit } from '../images.js';
import { Rng } from '../rng.js';

export const HEADS = { silhouette: SILHOUETTES.length, colour: COLOURS.length, pattern: PATTERNS.length, secondary: COLOURS.length } as const;
export type Head = keyof typeof HEADS;

/**
 * The image trunk of the world's classifiers: 64x64 [N, 3, 64, 64] -> 128-d features.
 * A full-resolution first layer keeps fine pattern detail (stripes vs checks, dots vs print).
 */
export function classifierTrunk(w: number): nn.Sequential {
  const block = (i: number, o: number, stride = 2) => [new nn.Conv2d(i, o, 3, { stride, padding: 1 }), new nn.BatchNorm2d(o), new nn.ReLU()];
  return new nn.Sequential(
    ...block(3, w / 2, 1), ...block(w / 2, w), ...block(w, 2 * w), ...block(2 * w, 4 * w), ...block(4 * w, 4 * w), new nn.Flatten(),
    new nn.Linear(4 * w * 16, 128), new nn.ReLU());
}

export class AttributeClassifier extends nn.Module {
  readonly features: nn.Sequential;
  readonly silhouette: nn.Linear;
  readonly colour: nn.Linear;
  readonly pattern: nn.Linear;
  readonly secondary: nn.Linear;

  constructor(readonly width = 32) {
    super();
    this.features = this.registerModule('features', classifierTrunk(width));
    this.silhouette = this.registerModule('silhouette', new nn.Linear(128, HEADS.silhouette));
    this.colour = this.registerModule('colour', new nn.Linear(128, HEADS.colour));
    this.pattern = this.registerModule('pattern', new nn.Linear(128, HEADS.pattern));
    this.secondary = this.registerModule('secondary', new nn.Linear(128, HEADS.secondary));
  }

  /** x [N, 3, S, S] in [-1, 1] (any S; resized to 64) -> logits per head [N, classes] */
  forward(x: T.Tensor): Record<Head, T.Tensor> {
    const s = x.size(2);
    const h = this.features.forward(s === 64 ? x : T.resizeBilinear(x, [64, 64]));
    return { silhouette: this.silhouette.forward(h), colour: this.colour.forward(h), pattern: this.pattern.forward(h), secondary: this.secondary.forward(h) };
  }

  /** Predicted attributes of each image. */
  classify(x: T.Tensor): ItemAttributes[] {
    const wasTraining = this.training;
    this.eval();
    const preds = T.tidy(() => T.noGrad(() => {
      const out = this.forward(x);
      return Object.fromEntries((Object.keys(HEADS) as Head[]).map((k) => [k, T.argmax(out[k], 1).toArray()])) as Record<Head, number[]>;
    }));
    this.train(wasTraining);
    return preds.silhouette.map((s, i) => {
      const pattern = PATTERNS[preds.pattern[i]!]!;
      return { silhouette: SILHOUETTES[s]!, colour: preds.colour[i]!, pattern, secondary: pattern === 'solid' ? preds.colour[i]! : preds.secondary[i]! };
    });
  }
}

export interface LabelledRenders {
  images: T.Tensor; // uint8 [N, 3, S, S] (kept)
  labels: Record<Head, Int32Array>;
}

/** Renders n random items (all silhouettes, colours, patterns) with their labels. */
export async function renderLabelled(n: number, size: number, seed: number, onProgress?: (done: number) => void): Promise<LabelledRenders> {
  const rng = new Rng(seed, 'classifier-data');
  const labels = { silhouette: new Int32Array(n), colour: new Int32Array(n), pattern: new Int32Array(n), secondary: new Int32Array(n) };
  const bytes = new Uint8Array(n * 3 * size * size);
  const items = Array.from({ length: n }, () => ({ attrs: sampleAttributes(rng, SILHOUETTES), variation: sampleVariation(rng) }));
  let next = 0, done = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < n) {
      const i = next++;
      const { attrs, variation } = items[i]!;
      bytes.set(hwcToChw(await renderItem(attrs, variation, size), size), i * 3 * size * size);
      labels.silhouette[i] = SILHOUETTES.indexOf(attrs.silhouette);
      labels.colour[i] = attrs.colour;
      labels.pattern[i] = PATTERNS.indexOf(attrs.pattern);
      labels.secondary[i] = attrs.secondary;
      onProgress?.(++done);
    }
  }));
  return { images: T.keep(T.tensor(bytes, { dtype: 'uint8', shape: [n, 3, size, size] })), labels };
}

export interface ClassifierReport {
  accuracy: Record<Head | 'category', number>; // on held-out renders; secondary over patterned items only
  heldOut: number;
  trainImages: number;
  epochs: number;
  seconds: number;
}

export interface TrainClassifierOptions {
  trainImages?: number;
  heldOut?: number;
  epochs?: number;
  batchSize?: number;
  size?: number;
  seed?: number;
  width?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** The labels as int64 tensors [N] per head, built once (kept; dispose when done). */
function labelTensors(data: LabelledRenders): Record<Head, T.Tensor> {
  return Object.fromEntries((Object.keys(HEADS) as Head[]).map((k) => [k, T.keep(T.tensor(data.labels[k], { dtype: 'int64' }))])) as Record<Head, T.Tensor>;
}

function rows(data: LabelledRenders, labels: Record<Head, T.Tensor>, idx: T.Tensor): { x: T.Tensor; y: Record<Head, T.Tensor> } {
  const x = bytesToUnit(T.indexSelect(data.images, 0, idx));
  const y = Object.fromEntries((Object.keys(HEADS) as Head[]).map((k) => [k, T.indexSelect(labels[k], 0, idx)])) as Record<Head, T.Tensor>;
  return { x, y };
}

export async function trainClassifier(opts: TrainClassifierOptions = {}): Promise<{ model: AttributeClassifier; report: ClassifierReport }> {
  const t0 = performance.now();
  // Defaults measured to give >= 97% on every attribute (docs/data.md), in about 3 minutes on 2 cores.
  const size = opts.size ?? 64, nTrain = opts.trainImages ?? 8000, nHeld = opts.heldOut ?? 1000, epochs = opts.epochs ?? 12, bs = opts.batchSize ?? 64;
  const seed = opts.seed ?? 7;
  T.manualSeed(seed);
  const train = await renderLabelled(nTrain, size, seed, (d) => opts.onProgress?.('rendering training items', d, nTrain));
  const held = await renderLabelled(nHeld, size, seed + 1000, (d) => opts.onProgress?.('rendering held-out items', d, nHeld));
  const model = new AttributeClassifier(opts.width ?? 32);
  const opt = new nn.Adam(model.parameters(), { lr: 2e-3 });
  const steps = Math.ceil(nTrain / bs);
  const trainLabels = labelTensors(train);
  for (let e = 0; e < epochs; e++) {
    opt.lr = 2e-3 * 0.5 * (1 + Math.cos((Math.PI * e) / epochs)); // cosine decay per epoch
    const perm = T.keep(T.randperm(nTrain));
    for (let s = 0; s < steps; s++) {
      T.tidy(() => {
        const idx = T.narrow(perm, 0, s * bs, Math.min(bs, nTrain - s * bs));
        const { x, y } = rows(train, trainLabels, idx);
        const out = model.forward(x);
        // The pattern colour is only defined for patterned items.
        const patterned = T.toDtype(T.ne(y.pattern, 0), 'float32');
        const secondaryLoss = T.div(T.sum(T.mul(T.crossEntropy(out.secondary, y.secondary, 'none'), patterned)), T.clamp(T.sum(patterned), 1));
        const loss = T.add(T.add(T.crossEntropy(out.silhouette, y.silhouette), T.crossEntropy(out.colour, y.colour)),
          T.add(T.crossEntropy(out.pattern, y.pattern), secondaryLoss));
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
      opts.onProgress?.('training the oracle classifier', e * steps + s + 1, epochs * steps);
    }
    perm.dispose();
  }
  const accuracy = evaluateClassifier(model, held);
  T.dispose([train.images, held.images, trainLabels]);
  model.eval();
  return { model, report: { accuracy, heldOut: nHeld, trainImages: nTrain, epochs, seconds: (performance.now() - t0) / 1000 } };
}

/** Per-attribute accuracy on labelled renders (pattern colour over patterned items only). */
export function evaluateClassifier(model: AttributeClassifier, data: LabelledRenders): Record<Head | 'category', number> {
  const n = data.images.size(0);
  const correct = { silhouette: 0, colour: 0, pattern: 0, secondary: 0, category: 0 };
  let patterned = 0;
  for (let s = 0; s < n; s += 256) {
    const preds = T.tidy(() => model.classify(bytesToUnit(T.narrow(data.images, 0, s, Math.min(256, n - s)))));
    preds.forEach((p, k) => {
      const i = s + k;
      const truth = SILHOUETTES[data.labels.silhouette[i]!]!;
      if (p.silhouette === truth) correct.silhouette++;
      if (categoryOf(p.silhouette) === categoryOf(truth)) correct.category++;
      if (p.colour === data.labels.colour[i]) correct.colour++;
      if (PATTERNS.indexOf(p.pattern) === data.labels.pattern[i]) correct.pattern++;
      if (data.labels.pattern[i] !== 0) {
        patterned++;
        if (p.secondary === data.labels.secondary[i]) correct.secondary++;
      }
    });
  }
  return { silhouette: correct.silhouette / n, category: correct.category / n, colour: correct.colour / n, pattern: correct.pattern / n, secondary: correct.secondary / Math.max(1, patterned) };
}

/** Bump when the renderer or the classifier changes, so cached classifiers are retrained. */
export const CLASSIFIER_VERSION = 1;

export function saveClassifier(model: AttributeClassifier, report: ClassifierReport, file: string): void {
  nn.saveModule(model, file, { kind: 'pfd-oracle-classifier', version: String(CLASSIFIER_VERSION), width: String(model.width), report: JSON.stringify(report) });
}

export function loadClassifier(file: string): { model: AttributeClassifier; report: ClassifierReport } {
  const { tensors, metadata } = T.loadTensors(file);
  T.dispose([...tensors.values()]);
  if (metadata.kind !== 'pfd-oracle-classifier') throw new Error(`${file} is not an oracle classifier checkpoint`);
  const model = new AttributeClassifier(Number(metadata.width ?? 32));
  nn.loadModule(model, file);
  model.eval();
  return { model, report: JSON.parse(metadata.report ?? '{}') as ClassifierReport };
}
