// Feature networks for FID and IS, as a registry:
//   domain     an in-domain classifier: on a synthetic world, the world's oracle
//              attribute classifier (features: its 128-d penultimate layer;
//              classes: silhouette x colour, 9 x 12 = 108 joint classes, the
//              product of its two heads). Reported as "FID (domain features)"
//              and "IS (domain classes)", never under the bare names.
//   inception  pytorch-fid's Inception-v3 (pool3 2048-d, 1008 logits), from a
//              user-supplied converted weights file: the literature's FID and IS.
import { existsSync } from 'node:fs';
import * as T from '../torch/index.js';
import type { AttributeClassifier } from '../data/world/classifier.js';
import { loadFidInception } from './fid_inception.js';

export interface FeatureNet {
  key: 'domain' | 'inception';
  label: string; // what the table calls its metrics' feature space
  description: string;
  /** images [N, 3, S, S] in [-1, 1] -> features [N, D] and class logits [N, K] (caller's scope). */
  embed(x: T.Tensor): { features: T.Tensor; logits: T.Tensor };
  dispose(): void;
}

export function oracleFeatureNet(classifier: AttributeClassifier, source: string): FeatureNet {
  classifier.eval();
  return {
    key: 'domain',
    label: 'domain',
    description: `the synthetic world's oracle attribute classifier (${source}): 128-d penultimate features; IS over silhouette x colour (108 classes)`,
    embed(x) {
      return T.noGrad(() => {
        const h = classifier.features.forward(x.size(2) === 64 ? x : T.resizeBilinear(x, [64, 64])); // [N, 128]
        const sil = T.logSoftmax(classifier.silhouette.forward(h), 1),
          col = T.logSoftmax(classifier.colour.forward(h), 1);
        const joint = T.add(T.unsqueeze(sil, 2), T.unsqueeze(col, 1)); // log p(s) + log p(c)  [N, 9, 12]
        return { features: h, logits: T.flatten(joint, 1) };
      });
    },
    dispose: () => classifier.dispose(),
  };
}

export function inceptionFeatureNet(weights: string, device: T.Device = 'cpu', batch = 32): FeatureNet {
  if (!existsSync(weights))
    throw new Error(
      `--inception-weights ${weights}: file not found (convert pytorch-fid's pt_inception-2015-12-05-6726825d.pth as docs/evaluation.md shows)`,
    );
  const net = loadFidInception(weights).to(device);
  return {
    key: 'inception',
    label: 'Inception',
    description: `pytorch-fid's FID Inception-v3 (${weights}): pool3 2048-d features, 1008 logits`,
    embed(x) {
      return T.noGrad(() => {
        const outs = [];
        for (let a = 0; a < x.size(0); a += batch) outs.push(net.forward(T.narrow(x, 0, a, Math.min(batch, x.size(0) - a))));
        return { features: T.cat(outs.map((o) => o.features)), logits: T.cat(outs.map((o) => o.logits)) };
      });
    },
    dispose: () => net.dispose(),
  };
}
