// The training loop around Algorithm 1: data, model, optimizers, a run folder
// with metrics, checkpoints and sample grids; bit-exact resume; a wall-clock
// budget; clean stop on abort (Ctrl-C); a stop with a clear message on a NaN
// or exploding loss, keeping the last good checkpoint.
import { existsSync, writeFileSync } from 'node:fs';
import * as T from '../torch/index.js';
import type { Category, Designer } from '../models/designer.js';
import { isDesigner, type FashionModel } from '../models/fashion_model.js';
import { modelImageSize } from '../models/presets.js';
import { fillColourHistory } from './colour_history.js';
import { loadDataset, imageCacheDir } from '../data/load.js';
import { loadSplitImages, splitItemBytes, type SplitImages } from '../data/cache.js';
import { OutfitSampler } from '../data/sampler.js';
import { bytesToUnit } from '../data/images.js';
import type { FashionDataset } from '../data/manifest.js';
import { imageBatch } from './batches.js';
import type { TrainConfig } from './config.js';
import { modelDefinition, targetsOf, EXPLODING_LOSS, type TrainOptimizers } from './models.js';
import { RunDir, readServingMetadata, checkSameUsers, type TrainerState } from '../run/run_dir.js';
import { designGridPng } from '../run/samples.js';
import { stageAt } from './recipes.js';
import { recalibrateAverages, recalibrationSet } from './generator_average.js';
import { checkInitSnapshot, loadInitSnapshot } from '../run/init_from.js';
import { LightEvaluator, labelReadings, type LabelReadings } from '../run/light_eval.js';
import { loadWorldGroundTruth } from '../data/world/ground_truth.js';
import type { DataParallel } from '../distributed/data_parallel.js';

export { EXPLODING_LOSS, targetsOf };

export class TrainingDivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingDivergedError';
  }
}

export interface TrainEvents {
  onLoad?: (phase: string, done: number, total: number) => void;
  onStart?: (info: { iteration: number; total: number; resumed: boolean; users: number; trainOutfits: number }) => void;
  onStep?: (iteration: number, total: number, losses: Record<string, number | undefined>) => void;
  onCheckpoint?: (dir: string) => void;
  onEval?: (iteration: number, figures: Record<string, number | string>) => void;
  onNote?: (message: string) => void; // something the user should know about how the run trains
}

export interface TrainResult {
  run: RunDir;
  iteration: number;
  total: number;
  stopped: 'done' | 'interrupted' | 'time budget';
  seconds: number;
}

/** Fixed sample queries per designed category: the first test outfits' query items, as images [Q, 3, S, S] (kept). */
function sampleQueries(test: SplitImages, target: Category, n: number, device: T.Device): T.Tensor {
  const ids = [...new Set(test.outfits.map((o) => (target === 'bottom' ? o.top : o.bottom)))].slice(0, n);
  return T.tidy(() => T.keep(bytesToUnit(T.toDevice(splitItemBytes(test, target === 'bottom' ? 'top' : 'bottom', ids), device))));
}

/**
 * The learning-rate multiplier of an iteration: 1, then, over the last `decay` share of the
 * `total` iterations, a linear fall towards 0 (pix2pix's schedule; the last step keeps a little).
 */
export function lrFactor(iteration: number, total: number, decay: number): number {
  if (!(decay > 0)) return 1;
  const span = Math.max(1, Math.round(decay * total));
  const start = total - span;
  return 1 - Math.max(0, iteration - start) / (span + 1);
}

export interface TrainOptions {
  resume?: boolean;
  signal?: AbortSignal;
  events?: TrainEvents;
  /** Data-parallel training: this process is one rank of the group (src/dist/). */
  dist?: DataParallel;
}

export async function train(config: Readonly<TrainConfig>, runDir: string, opts: TrainOptions = {}): Promise<TrainResult> {
  const ev = opts.events ?? {};
  const dist = opts.dist ?? null;
  // With several ranks, rank 0 alone writes the run folder; every rank reads a checkpoint to resume.
  const writer = !dist || dist.isWriter;
  if (dist && config.batchSize % dist.worldSize !== 0)
    throw new Error(
      `batch ${config.batchSize} cannot be split evenly over ${dist.worldSize} processes (choose --batch as a multiple of the world size)`,
    );
  const run = new RunDir(runDir);
  // The folder is written only once the data, model and sampler are built: a start that fails
  // (bad data, a setting the dataset cannot take) leaves nothing behind to block the retry.
  if (writer && !opts.resume) run.checkCreatable();
  const t0 = performance.now();
  const device = T.parseDevice(config.device);
  const d: FashionDataset = loadDataset(config.data);
  // A warm start's snapshot is checked before any image is cached (its weights load below).
  const init = config.initFrom && !opts.resume ? checkInitSnapshot(config, d.users) : null;
  for (const n of init?.notes ?? []) ev.onNote?.(n);
  const cache = imageCacheDir(config.data);
  // Rank 0 fills the image cache first; the others then read it (no two processes write it).
  if (dist && !dist.isWriter) await dist.group.barrierAsync();
  const imageSize = modelImageSize(config.model); // 64, or the paper's 128
  const trainImgs = await loadSplitImages(d, 'train', imageSize, cache, {
    skipBad: config.data.skipBad,
    onProgress: (a, b) => ev.onLoad?.('caching train images', a, b),
  });
  const testImgs = await loadSplitImages(d, 'test', imageSize, cache, {
    skipBad: config.data.skipBad,
    onProgress: (a, b) => ev.onLoad?.('caching test images', a, b),
  });
  // Learning curves: a light evaluation every evalEvery iterations, with the oracle's figures on a
  // synthetic world, the label classifier's on real data with labels. Its figures are read at 64x64
  // as pfd eval's (a 128 run's designs are averaged down). Loaded before the model, whose
  // construction seeds libtorch's generator, and by rank 0 before the others go on (training the
  // label classifier the first time takes minutes: past a collective's timeout).
  const evalOn = writer && config.evalEvery > 0 && config.evalQueries > 0;
  const at64 = async (split: 'train' | 'test', own: SplitImages) =>
    own.size === 64
      ? own
      : loadSplitImages(d, split, 64, cache, {
          skipBad: config.data.skipBad,
          onProgress: (a, b) => ev.onLoad?.(`caching ${split} images at 64x64`, a, b),
        });
  const evalTest = evalOn ? await at64('test', testImgs) : null;
  const truth = evalOn ? loadWorldGroundTruth(config.data.path) : null;
  let labelled: LabelReadings | null = null;
  if (evalOn && !truth) {
    const evalTrain = await at64('train', trainImgs);
    labelled = labelReadings(d, cache, evalTrain, evalTest!, device, (a, b) =>
      ev.onLoad?.("training the data set's label classifier (once; cached)", a, b),
    );
    if (evalTrain !== trainImgs) evalTrain.dispose();
  }
  if (dist && dist.isWriter) await dist.group.barrierAsync();
  const disposeEval = () => {
    truth?.oracle?.dispose();
    labelled?.dispose();
    if (evalTest && evalTest !== testImgs) evalTest.dispose();
  };
  const def = modelDefinition(config.method);
  const model: FashionModel = def.build(config, d.users.length).to(device);
  // A warm start takes a trained model's weights (a resume takes its own checkpoint's instead).
  if (init) {
    try {
      loadInitSnapshot(model, init);
    } catch (e) {
      model.dispose();
      trainImgs.dispose();
      testImgs.dispose();
      disposeEval();
      throw e;
    }
    ev.onNote?.(`starting from ${init.file} (iteration ${init.iteration} of its run) with fresh optimizers and this run's settings`);
  }
  const opt = def.optimizers(model, config);
  // Each optimizer's own learning rate, before a resume restores a decayed one.
  const baseLr = (opt.named as TrainOptimizers['named']).map(([, o]) => o.lr);
  // With one user (a shop's outfits without user ids, Polyvore Outfits' pseudo-user) there is no
  // other user's outfit to draw: every negative is then of kind 1.
  const negativeMix = d.users.length < 2 ? 1 : config.negativeMix;
  if (negativeMix !== config.negativeMix)
    ev.onNote?.(`one user in the data: every negative is a random complement (kind 1), none another user's outfit (kind 2)`);
  const sampler = new OutfitSampler(trainImgs.outfits, {
    batchSize: config.batchSize,
    negativeMix,
    swapNegatives: config.swapNegatives ?? 0,
    swapExtra: (config.swapExtra ?? 0) > 0,
    pickPool: (config.lambdaPick ?? 0) > 0 ? (config.pickPool ?? 0) : 0,
    task: config.task,
    seed: config.seed,
  });
  if (writer) {
    if (!opts.resume) run.create(config);
    else run.writeConfig(config); // the settings a resume may change (iterations, minutes, precision, evalEvery)
  }
  const total =
    config.iterations || Math.ceil((config.epochs * trainImgs.outfits.length) / (config.batchSize * model.config.targets.length));
  const users = Array.from({ length: Math.min(config.sampleUsers, d.users.length) }, (_, i) => i);
  const queries = new Map(model.config.targets.map((c) => [c, sampleQueries(testImgs, c, config.sampleQueries, device)] as const));
  const lightEval = evalOn
    ? new LightEvaluator({
        test: evalTest!,
        modelTest: testImgs,
        dataset: d,
        world: truth?.world ?? null,
        oracle: truth?.oracle ?? null,
        labelled,
        queries: config.evalQueries,
        seed: config.seed,
        device,
      })
    : null;
  // --g-average: the averaged Gs' BatchNorm statistics, recomputed before they design (once per iteration).
  const recalibration =
    isDesigner(model) && model.averagedGenerators.size ? recalibrationSet(model, trainImgs, config.seed, 8, 64, device) : null;
  let recalibratedAt = -1;
  const freshAverages = () => {
    if (!recalibration || recalibratedAt === iteration) return;
    recalibrateAverages(model as Designer, recalibration);
    recalibratedAt = iteration;
  };
  const evaluate = async () => {
    if (!lightEval) return;
    freshAverages();
    const t = performance.now();
    const figures = await lightEval.evaluate(model);
    const record = { iteration, phase: 'eval', eval_seconds: (performance.now() - t) / 1000, ...figures };
    run.appendMetrics(record);
    ev.onEval?.(iteration, record);
  };
  let iteration = 0,
    elapsed = 0;
  if (opts.resume) {
    if (existsSync(run.model)) checkSameUsers(d.users, readServingMetadata(run.model).users, config.data.path, run.dir);
    const s = run.loadCheckpoint(model, opt.named);
    sampler.restore(s.sampler);
    iteration = s.iteration;
    elapsed = s.elapsedSeconds;
  }
  // Colour histories (--colour-history): counted from the training split with this code's
  // definition, after any checkpoint (whose counts may be of an earlier definition).
  if (isDesigner(model)) T.noGrad(() => fillColourHistory(model, trainImgs));
  dist?.attach(
    model,
    (opt.named as TrainOptimizers['named']).map((e) => e[1]),
  );
  const startedAt = performance.now();
  const seconds = () => elapsed + (performance.now() - startedAt) / 1000;
  const checkpoint = () => {
    if (!writer) return;
    freshAverages();
    const state: TrainerState = {
      iteration,
      epoch: sampler.epochsDone,
      sampler: sampler.state(),
      metricsBytes: run.metricsBytes(),
      elapsedSeconds: seconds(),
    };
    const dir = run.saveCheckpoint(model, opt.named, state, config.keepCheckpoints);
    run.saveServing(model, config, d.users, iteration);
    ev.onCheckpoint?.(dir);
  };
  const samples = async () => {
    if (!writer) return;
    freshAverages();
    for (const [c, q] of queries) {
      const png = await designGridPng(model, q, c, users);
      writeFileSync(run.samplePath(iteration).replace(/\.png$/, `-${c}.png`), png);
    }
  };
  ev.onStart?.({ iteration, total, resumed: !!opts.resume, users: d.users.length, trainOutfits: trainImgs.outfits.length });
  let stopped: TrainResult['stopped'] = 'done';
  try {
    if (iteration === 0) await evaluate(); // the starting point of the learning curves
    while (iteration < total) {
      // One batch per designed category (the sampler alternates tasks for 'both').
      // With several ranks, each takes its slice of the same global batches.
      const batches = model.config.targets.map(() => sampler.next()).map((b) => (dist ? dist.shard(b) : b));
      // libtorch's generator (dropout, ...) is seeded per iteration, so a resumed run draws what
      // an uninterrupted one does without checkpointing the generator's state (per rank: each
      // rank's slice gets its own draws).
      T.manualSeed(config.seed * 1_000_003 + iteration + (dist ? dist.rank * 7_919 : 0));
      // A staged recipe's settings for this iteration (recipes.ts); its learning rate scales every
      // optimizer's, and its decay runs over the stage.
      const at = stageAt(config.stages ?? [], iteration, total);
      const c: Readonly<TrainConfig> = at ? { ...config, ...at.stage.settings } : config;
      const f =
        (c.lr / config.lr) *
        (at
          ? lrFactor(iteration - at.stage.from, at.end - at.stage.from, c.lrDecay ?? 0)
          : lrFactor(iteration, total, config.lrDecay ?? 0));
      (opt.named as TrainOptimizers['named']).forEach(([name, o], i) => {
        if (!def.constantLr?.includes(name)) o.lr = baseLr[i]! * f;
      });
      const stepped = T.tidy(() =>
        def.step(
          model,
          opt,
          batches.map((b) => imageBatch(trainImgs, b, device)),
          c,
          iteration,
        ),
      );
      const phase = stepped.phase;
      let losses = stepped.losses;
      // Every rank logs and checks the same (averaged) figures.
      if (dist) {
        dist.syncBuffers(model);
        losses = dist.agree(losses as unknown as Record<string, unknown>, false).losses as unknown as typeof losses;
      }
      const bad = def.lossProblem(losses, config);
      if (bad) {
        const last = run.latestCheckpoint();
        throw new TrainingDivergedError(
          `training diverged at iteration ${iteration + 1}: ${bad}; ${last ? `the last good checkpoint is ${last}` : 'no checkpoint was written yet'}. ` +
            'Lower --lr or change the seed, then resume or start again.',
        );
      }
      iteration++;
      if (writer) run.appendMetrics({ iteration, epoch: sampler.epochsDone, phase, ...(at ? { stage: at.index } : {}), ...losses });
      ev.onStep?.(iteration, total, losses);
      // (Evaluated before the checkpoint, so that a resumed run keeps this evaluation's record.)
      if (config.evalEvery > 0 && (iteration % config.evalEvery === 0 || iteration === total)) await evaluate();
      if (iteration % config.checkpointEvery === 0 || iteration === total) checkpoint();
      if (iteration % config.sampleEvery === 0 || iteration === total) await samples();
      await new Promise(setImmediate); // let N-API finalizers and signals run
      // Stop on Ctrl-C or the time budget; with several ranks, all stop when any one would.
      let stopNow = !!opts.signal?.aborted || (config.minutes > 0 && seconds() >= config.minutes * 60);
      if (dist) stopNow = dist.agree({}, stopNow).stop;
      if (stopNow && iteration < total) {
        stopped = opts.signal?.aborted || !(config.minutes > 0 && seconds() >= config.minutes * 60) ? 'interrupted' : 'time budget';
        break;
      }
    }
    if (stopped !== 'done') {
      await evaluate(); // the learning curves' last point (before the checkpoint, as above)
      checkpoint();
      await samples();
    }
    if (dist) await dist.group.barrierAsync(); // the others wait for rank 0's last checkpoint
  } finally {
    disposeEval();
    for (const q of queries.values()) q.dispose();
    recalibration?.dispose();
    trainImgs.dispose();
    testImgs.dispose();
    for (const [, o] of opt.named) o.dispose();
    model.dispose();
  }
  return { run, iteration, total, stopped, seconds: (performance.now() - t0) / 1000 };
}
