// The moving average of G's weights (Karras et al.'s G_ema, ProGAN 2018 / StyleGAN): after each
// iteration, avg <- decay * avg + (1 - decay) * G, for every parameter; the averaged G designs.
// Its BatchNorm statistics cannot be averaged (they belong to G's own weights; the shared note's
// probe measured averaged weights with the raw G's statistics to be worse than no average), so
// before it designs (sample grids, evaluations, the serving snapshot) they are recomputed for the
// averaged weights: the cumulative mean and variance over a fixed set of training (query, user)
// inputs, in training mode.
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';
import type { Designer, Category } from '../models/designer.js';
import type { SplitImages } from '../data/cache.js';
import { splitItemBytes } from '../data/cache.js';
import { bytesToUnit } from '../data/images.js';
import { Rng } from '../data/rng.js';

/** avg <- decay * avg + (1 - decay) * G for every designed category's parameters. */
export function updateAverages(model: Designer, decay: number): void {
  T.noGrad(() =>
    T.tidy(() => {
      for (const [c, avg] of model.averagedGenerators) {
        const own = model.generator(c).parameters();
        avg.parameters().forEach((p, i) => T.lerp_(p, own[i]!, 1 - decay));
      }
    }),
  );
}

/** Fixed recalibration inputs per designed category: training queries (images) and their outfits' users. */
export interface RecalibrationSet {
  batches: { target: Category; queries: T.Tensor; users: T.Tensor }[]; // kept: [B, 3, S, S], int64 [B]
  dispose(): void;
}

/** `count` batches of `size` training outfits per designed category, drawn once with the seed. */
export function recalibrationSet(
  model: Designer,
  train: SplitImages,
  seed: number,
  count = 8,
  size = 64,
  device: T.Device = 'cpu',
): RecalibrationSet {
  const rng = new Rng(seed, 'average-recalibration');
  const batches: RecalibrationSet['batches'] = [];
  for (const target of model.averagedGenerators.keys()) {
    for (let k = 0; k < count; k++) {
      const outfits = Array.from({ length: size }, () => train.outfits[rng.int(train.outfits.length)]!);
      batches.push(
        T.tidy(() => ({
          target,
          queries: T.keep(
            bytesToUnit(
              T.toDevice(
                splitItemBytes(
                  train,
                  target === 'bottom' ? 'top' : 'bottom',
                  outfits.map((o) => (target === 'bottom' ? o.top : o.bottom)),
                ),
                device,
              ),
            ),
          ),
          users: T.keep(
            T.toDevice(
              T.tensor(
                outfits.map((o) => o.user),
                { dtype: 'int64' },
              ),
              device,
            ),
          ),
        })),
      );
    }
  }
  return { batches, dispose: () => T.dispose(batches.map((b) => [b.queries, b.users])) };
}

/** Recomputes the averaged Gs' BatchNorm statistics as the cumulative average over the set's batches (F in eval mode). */
export function recalibrateAverages(model: Designer, set: RecalibrationSet): void {
  for (const [c, avg] of model.averagedGenerators) {
    const norms = avg
      .namedModules()
      .map(([, m]) => m)
      .filter((m): m is nn.BatchNorm2d | nn.BatchNorm1d => m instanceof nn.BatchNorm2d || m instanceof nn.BatchNorm1d);
    const was = avg.training,
      momenta = norms.map((n) => n.momentum);
    T.noGrad(() =>
      T.tidy(() => {
        for (const n of norms) {
          T.fill_(n.runningMean!, 0);
          T.fill_(n.runningVar!, 1);
        }
        avg.train();
        const batches = set.batches.filter((b) => b.target === c);
        batches.forEach((b, k) => {
          for (const n of norms) n.momentum = 1 / (k + 1);
          T.tidy(() => {
            const zq = nn.inEvalMode(model.encoder, () => model.autocast(() => model.encoder.forward(model.images(b.queries))));
            model.autocast(() => avg.forward(model.generatorInput(zq, b.users)));
          });
        });
      }),
    );
    norms.forEach((n, i) => {
      n.momentum = momenta[i]!;
    });
    avg.train(was);
  }
}
