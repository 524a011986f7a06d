// Evaluates one trained run: designs for N test cases, then every available
// metric of the registry. Writes <run>/eval/metrics.json (values, sample
// sizes, the feature networks used, timings) and appends one line per metric
// to <run>/eval/metrics.jsonl (the history across evaluations).
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as T from '../torch/index.js';
import { openRun, overrideColourHistory, type TrainedModel } from '../run/trained_model.js';
import { checkSameUsers } from '../run/run_dir.js';
import { forModelUsers } from '../data/user_subsets.js';
import { loadDataset, imageCacheDir } from '../data/load.js';
import { loadSplitImages } from '../data/cache.js';
import { modelImageSize } from '../models/presets.js';
import { loadWorldGroundTruth } from '../data/world/ground_truth.js';
import { loadClassifier } from '../data/world/classifier.js';
import { evalCases, makeDesigns, type DesignSet } from './designs.js';
import { inceptionFeatureNet, oracleFeatureNet, type FeatureNet } from './feature_nets.js';
import { categoryFeatureNet } from './category_classifier.js';
import { readItemLabels } from './item_labels.js';
import { labelFeatureNet } from './label_classifier.js';
import { loadJudge } from '../run/judge.js';
import { METRICS, type EvalContext, type MetricKey, type MetricValue } from './metric_registry.js';

export interface EvalOptions {
  n: number;
  seed: number;
  splits: number;
  ssimPairs: number;
  fanoutQueries: number;
  fanoutUsers: number;
  inceptionWeights?: string;
  judge?: boolean; // score designs by an independent compatibility model (judge.ts); always on data without an oracle
  judgeIterations?: number; // its training length (default JUDGE_ITERATIONS)
  device: T.Device;
  precision?: T.Precision; // of the designs (default: the device's best)
  colourHistory?: number; // the colour history's weight when designing (--colour-history), instead of the run's own
  users?: string[]; // only these users' test outfits (trained or added after training: the new-users table)
  onProgress?: (phase: string, done: number, total: number) => void;
}

export const DEFAULT_EVAL: EvalOptions = {
  n: 1000,
  seed: 1,
  splits: 10,
  ssimPairs: 1000,
  fanoutQueries: 16,
  fanoutUsers: 8,
  device: 'cpu',
};

export interface RunEvaluation {
  run: string;
  name: string;
  iteration: number;
  model: string; // the registered model (designer, an ablation, a baseline)
  preset: string;
  userCond: string;
  genCompatLoss: boolean;
  precision: T.Precision; // of the designs evaluated
  colour_history?: number; // the colour history's weight the designs were made with (colour-history models only)
  task: string;
  dataset: string;
  samples: { designs: number; real: number; ssim_pairs: number; splits: number; fanout_queries: number; fanout_users: number };
  feature_nets: Record<string, string>;
  metrics: Partial<Record<MetricKey, MetricValue>>;
  seconds: Record<string, number>;
  date: string;
}

export interface EvaluatedRun {
  result: RunEvaluation;
  trained: TrainedModel;
  designs: DesignSet;
  /** The oracle's compat(q, design) per evaluation case (synthetic worlds only): Fig. 4's votes. */
  compatPerCase?: number[];
  dispose(): void;
}

export async function evaluateRun(dir: string, opts: EvalOptions = DEFAULT_EVAL): Promise<EvaluatedRun> {
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (k: string) => {
    const now = performance.now();
    seconds[k] = (seconds[k] ?? 0) + (now - t) / 1000;
    t = now;
  };
  const trained = openRun(dir, opts.device, opts.precision);
  const cfg = trained.config;
  // --colour-history A: another weight for a model with colour histories (0 on one without: nothing to change).
  let historyWeight: number | undefined;
  try {
    historyWeight = overrideColourHistory(trained, opts.colourHistory);
  } catch (e) {
    trained.dispose();
    throw e;
  }
  let dataset = loadDataset(opts.users ? { ...cfg.data, excludeUsers: undefined } : cfg.data);
  if (opts.users) dataset = forModelUsers(dataset, trained.users, opts.users);
  else checkSameUsers(dataset.users, trained.users.slice(0, trained.trainedUsers), cfg.data.path, trained.run.dir);
  // Another user (personal win, Fig. 7 fan-outs) is drawn from every user the model knows when
  // evaluating chosen users, else from the trained users (figures don't change as users are added).
  const userCount = opts.users ? trained.users.length : trained.trainedUsers;
  const cache = imageCacheDir(cfg.data);
  const test = await loadSplitImages(dataset, 'test', 64, cache, {
    skipBad: cfg.data.skipBad,
    onProgress: (a, b) => opts.onProgress?.('caching test images', a, b),
  });
  const train = await loadSplitImages(dataset, 'train', 64, cache, {
    skipBad: cfg.data.skipBad,
    onProgress: (a, b) => opts.onProgress?.('caching train images', a, b),
  });
  // Every figure is read at 64x64 (the classifiers' and the oracle's size, so that runs at 64
  // and 128 compare); a model at another size designs from its own size's queries (designs.ts).
  const modelSize = modelImageSize(cfg.model);
  const modelTest =
    modelSize === test.size
      ? test
      : await loadSplitImages(dataset, 'test', modelSize, cache, {
          skipBad: cfg.data.skipBad,
          onProgress: (a, b) => opts.onProgress?.(`caching test images at ${modelSize}x${modelSize}`, a, b),
        });
  // A synthetic world brings its ground truth and oracle classifier.
  const truth = loadWorldGroundTruth(cfg.data.path);
  const world = truth?.world ?? null,
    oracleFile = truth?.oracleFile ?? null,
    oracle = truth?.oracle ?? null;
  const nets: FeatureNet[] = [];
  // Feature networks run where the designs are made; the oracle's classify() reads CPU
  // tensors, so a second copy is loaded only when the designs are made on a GPU.
  const oracleNet = oracle && opts.device !== 'cpu' ? loadClassifier(oracleFile!).model.to(opts.device) : oracle;
  if (oracleNet) nets.push(oracleFeatureNet(oracleNet, oracleFile!));
  // Real data: a classifier of its own item labels (items.jsonl) when it has them, else of its categories.
  const itemLabels = oracleNet ? null : readItemLabels(dataset);
  const labelled = itemLabels
    ? {
        labels: itemLabels,
        ...labelFeatureNet(cache, train, test, itemLabels, opts.device, (a, b) =>
          opts.onProgress?.("training the data set's label classifier (once; cached)", a, b),
        ),
      }
    : null;
  if (labelled) nets.push(labelled.net);
  else if (!oracleNet) nets.push(categoryFeatureNet(cache, train, test, opts.device));
  if (opts.inceptionWeights) nets.push(inceptionFeatureNet(opts.inceptionWeights, opts.device));
  lap('load');
  const cases = evalCases(test, trained.model.config.targets, userCount, opts.n, opts.seed);
  const designs = await makeDesigns(trained.model, test, cases, {
    modelImages: modelTest,
    users: userCount,
    fanoutQueries: opts.fanoutQueries,
    fanoutUsers: opts.fanoutUsers,
    seed: opts.seed,
    device: opts.device,
    onProgress: (a, b) => opts.onProgress?.('designing', a, b),
  });
  lap('designs');
  const ctx: EvalContext = {
    model: trained.model,
    designs,
    test,
    modelTest,
    train,
    dataset,
    nets,
    world,
    oracle,
    seed: opts.seed,
    splits: opts.splits,
    ssimPairs: opts.ssimPairs,
    device: opts.device,
    cache: new Map(),
    labelled: labelled ? { labels: labelled.labels, model: labelled.model } : null,
    judge:
      opts.judge || !oracleNet
        ? loadJudge(cache, train, dataset.users.length, opts.device, opts.judgeIterations, (a, b) =>
            opts.onProgress?.('training the independent judge (once; cached)', a, b),
          )
        : null,
  };
  const metrics: Partial<Record<MetricKey, MetricValue>> = {};
  const keys = (Object.keys(METRICS) as MetricKey[]).filter((k) => METRICS[k].available(ctx));
  const evalDir = path.join(trained.run.dir, 'eval');
  mkdirSync(evalDir, { recursive: true });
  keys.forEach((k, i) => {
    opts.onProgress?.('metrics', i, keys.length);
    metrics[k] = METRICS[k].compute(ctx);
    lap(`metric ${k}`);
    appendFileSync(
      path.join(evalDir, 'metrics.jsonl'),
      JSON.stringify({
        date: new Date().toISOString(),
        iteration: trained.iteration,
        metric: k,
        designs: cases.length,
        ...(opts.users ? { users: opts.users } : {}),
        ...(opts.colourHistory !== undefined ? { colour_history: opts.colourHistory } : {}),
        ...metrics[k],
      }) + '\n',
    );
  });
  opts.onProgress?.('metrics', keys.length, keys.length);
  const compatPerCase = (ctx.cache.get('oracle') as { compat_per_case?: number[] } | undefined)?.compat_per_case;
  for (const v of ctx.cache.values()) {
    const e = v as { features?: T.Tensor; logits?: T.Tensor; category?: T.Tensor; colour?: T.Tensor };
    if (v instanceof T.Tensor)
      v.dispose(); // the real reference sets' images
    else if (e.features instanceof T.Tensor) T.dispose([e.features, e.logits]);
    else if (e.category instanceof T.Tensor) T.dispose([e.category, e.colour]); // the label classifier's readings
  }
  const result: RunEvaluation = {
    run: trained.run.dir,
    name: path.basename(trained.run.dir),
    iteration: trained.iteration,
    model: cfg.method ?? 'designer',
    preset: cfg.preset,
    userCond: cfg.userCond,
    genCompatLoss: cfg.genCompatLoss,
    precision: trained.model.precision,
    ...(historyWeight !== undefined ? { colour_history: historyWeight } : {}),
    task: cfg.task,
    dataset: path.resolve(cfg.data.path),
    samples: {
      designs: cases.length,
      real: cases.length,
      ssim_pairs: opts.ssimPairs,
      splits: opts.splits,
      fanout_queries: designs.fanout.cases.length,
      fanout_users: designs.fanout.users.length,
    },
    feature_nets: Object.fromEntries(nets.map((n) => [n.key, n.description])),
    metrics,
    seconds,
    date: new Date().toISOString(),
  };
  for (const n of nets) n.dispose();
  ctx.judge?.judge.dispose();
  if (oracle !== oracleNet) oracle?.dispose(); // (the feature network disposed its own)
  if (modelTest !== test) modelTest.dispose();
  test.dispose();
  train.dispose();
  return {
    result,
    trained,
    designs,
    compatPerCase,
    dispose: () => {
      designs.dispose();
      trained.dispose();
    },
  };
}
