// An independent judge of compatibility: F, M and theta_u of the `cpu` preset trained by step (a)
// alone (BPR on the training outfits, the paper's sampler), from a seed of its own and without any
// G, so that the evaluated model's designs were never trained to please it. It scores each design
// with its query for its user: the own-query advantage is s(u, q, design(q, u)) - s(u, q,
// design(q', u)), the same user's design for another query (0 when designs ignore their query),
// reported with a 95% interval; beside it, the same score for the real complement and a random item.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';
import { Designer } from '../models/designer.js';
import { MODEL_PRESETS } from '../models/presets.js';
import { OutfitSampler } from '../data/sampler.js';
import type { SplitImages } from '../data/cache.js';
import { compatStep } from '../train/algorithm1.js';
import { imageBatch } from '../train/batches.js';
import { makeOptimizers } from '../train/optimizers.js';
import { DEFAULT_STEP } from '../train/config.js';
import { swappedCases, type DesignSet } from '../eval/designs.js';

export const JUDGE_SEED = 977;
export const JUDGE_ITERATIONS = 1500;

/** The judge of a data set (trained on first use, then cached beside its image cache). */
export function loadJudge(
  cacheDir: string,
  train: SplitImages,
  users: number,
  device: T.Device,
  iterations = JUDGE_ITERATIONS,
  onProgress?: (done: number, total: number) => void, // iterations of the first (uncached) training
): { judge: Designer; auc: number } {
  const file = path.join(cacheDir, `judge-${JUDGE_SEED}-${iterations}.safetensors`);
  T.manualSeed(JUDGE_SEED);
  const judge = new Designer({ ...MODEL_PRESETS.cpu, users, userCond: 'vector', targets: ['bottom', 'top'] });
  if (existsSync(file)) {
    const meta = nn.loadModule(judge, file);
    return { judge: judge.to(device).eval() as Designer, auc: Number(meta.batch_auc) };
  }
  judge.to(device);
  const opt = makeOptimizers(judge, { lr: 2e-4, betas: [0.5, 0.999] });
  const sampler = new OutfitSampler(train.outfits, { batchSize: 32, negativeMix: users < 2 ? 1 : 0.5, task: 'both', seed: JUDGE_SEED });
  let auc = 0;
  for (let i = 0; i < iterations; i++) {
    if (i % 100 === 0) onProgress?.(i, iterations);
    T.manualSeed(JUDGE_SEED * 1_000_003 + i);
    const losses = T.tidy(() =>
      compatStep(
        judge,
        opt,
        [sampler.next(), sampler.next()].map((b) => imageBatch(train, b, device)),
        DEFAULT_STEP,
      ),
    );
    if (i >= iterations - 100) auc += losses.auc_batch! / 100; // the last 100 batches' ranking accuracy
  }
  onProgress?.(iterations, iterations);
  for (const o of [opt.compat, ...opt.disc.values(), ...opt.gen.values()]) o.dispose();
  judge.eval();
  mkdirSync(cacheDir, { recursive: true });
  nn.saveModule(judge, file, { batch_auc: String(auc) });
  return { judge: judge as Designer, auc };
}

export interface JudgeFigures {
  ownQuery: number; // mean s(u, q, design(q, u)) - s(u, q, design(q', u))
  ownQueryLow: number; // its 95% interval
  ownQueryHigh: number;
  pairs: number;
  design: number; // mean s(u, q, design)
  truth: number; // mean s(u, q, real complement)
  random: number; // mean s(u, q, a random item of the category)
}

/** The judge's scores of the evaluation's designs (randomItems: [N, 3, S, S], one per case). */
export function judgeDesigns(judge: Designer, designs: DesignSet, randomItems: T.Tensor, device: T.Device): JudgeFigures {
  return T.tidy(() =>
    T.noGrad(() => {
      const score = (items: T.Tensor, queries: T.Tensor, rows: number[]) => {
        const out: number[] = [];
        for (let a = 0; a < rows.length; a += 128) {
          const idx = T.tensor(rows.slice(a, a + 128), { dtype: 'int64' });
          const users = T.toDevice(
            T.tensor(
              rows.slice(a, a + 128).map((i) => designs.cases[i]!.user),
              { dtype: 'int64' },
            ),
            device,
          );
          const embed = (x: T.Tensor) => judge.encoder.forward(judge.images(T.toDevice(T.indexSelect(x, 0, idx), device)));
          out.push(...(T.toDevice(judge.score(users, embed(queries), embed(items)), 'cpu').toArray() as number[]));
        }
        return out;
      };
      const all = designs.cases.map((_, i) => i);
      const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
      const rows = swappedCases(designs.cases);
      const own = score(designs.design, designs.query, rows),
        swapped = score(designs.swapped, designs.query, rows);
      const diff = own.map((s, i) => s - swapped[i]!);
      const m = mean(diff),
        sd = Math.sqrt(diff.reduce((a, d) => a + (d - m) ** 2, 0) / Math.max(1, diff.length - 1));
      const half = (1.96 * sd) / Math.sqrt(Math.max(1, diff.length));
      return {
        ownQuery: m,
        ownQueryLow: m - half,
        ownQueryHigh: m + half,
        pairs: diff.length,
        design: mean(score(designs.design, designs.query, all)),
        truth: mean(score(designs.truth, designs.query, all)),
        random: mean(score(randomItems, designs.query, all)),
      };
    }),
  );
}
