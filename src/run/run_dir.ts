// A training run's folder:
//   config.json                the resolved, frozen config (written before training)
//   metrics.jsonl              one line per iteration: every loss and diagnostic
//   model.safetensors          serving snapshot: the designer's weights, with the config
//                              and user ids in its metadata (what `pfd design` loads)
//   checkpoints/iter-NNNNNNN/  resume state: model.safetensors (weights + buffers),
//                              optim-<set>.safetensors (Adam moments, step counts),
//                              trainer.json (iteration, sampler position, metrics length)
//   checkpoints/latest         the name of the newest complete checkpoint
//   samples/iter-NNNNNNN.png   fixed test queries x fixed users, every sampleEvery iterations
// A checkpoint folder is written under a temporary name and renamed when
// complete, then `latest` is replaced atomically: a crash never leaves a
// half-written checkpoint as the latest one.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, appendFileSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';
import type { SamplerState } from '../data/sampler.js';
import type { TrainConfig } from '../train/config.js';

export interface TrainerState {
  iteration: number;
  epoch: number;
  sampler: SamplerState;
  metricsBytes: number; // metrics.jsonl is cut back to this length on resume
  elapsedSeconds: number;
}

const json = (x: unknown) => new TextEncoder().encode(JSON.stringify(x, null, 2) + '\n');
const iterName = (i: number) => `iter-${String(i).padStart(7, '0')}`;

export class RunDir {
  readonly config: string;
  readonly metrics: string;
  readonly model: string;
  readonly checkpoints: string;
  readonly samples: string;

  constructor(readonly dir: string) {
    this.dir = path.resolve(dir);
    this.config = path.join(this.dir, 'config.json');
    this.metrics = path.join(this.dir, 'metrics.jsonl');
    this.model = path.join(this.dir, 'model.safetensors');
    this.checkpoints = path.join(this.dir, 'checkpoints');
    this.samples = path.join(this.dir, 'samples');
  }

  /** Throws unless a new run can be created here (the folder is absent or empty). */
  checkCreatable(): void {
    if (existsSync(this.dir) && readdirSync(this.dir).length > 0) {
      throw new Error(`${this.dir} already holds files: resume it with --resume, or choose another --out`);
    }
  }

  /** A new run: refuses a folder that already holds anything (no data is lost). */
  create(config: Readonly<TrainConfig>): void {
    this.checkCreatable();
    mkdirSync(this.samples, { recursive: true });
    mkdirSync(this.checkpoints, { recursive: true });
    this.writeConfig(config);
    T.writeFileAtomic(this.metrics, new Uint8Array());
  }

  /** The resolved config, atomically (at creation; again on a resume that changed a setting). */
  writeConfig(config: Readonly<TrainConfig>): void {
    T.writeFileAtomic(this.config, json(config));
  }

  readConfig(): TrainConfig {
    if (!existsSync(this.config)) throw new Error(`${this.dir} is not a training run (no config.json)`);
    try {
      return JSON.parse(readFileSync(this.config, 'utf8')) as TrainConfig;
    } catch (e) {
      throw new Error(`${this.config}: not valid JSON (${(e as Error).message})`);
    }
  }

  appendMetrics(record: Record<string, unknown>): void {
    appendFileSync(this.metrics, JSON.stringify(record) + '\n');
  }

  metricsBytes(): number {
    return existsSync(this.metrics) ? statSync(this.metrics).size : 0;
  }

  readMetrics(): Record<string, unknown>[] {
    if (!existsSync(this.metrics)) return [];
    return readFileSync(this.metrics, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  latestCheckpoint(): string | null {
    const f = path.join(this.checkpoints, 'latest');
    if (!existsSync(f)) return null;
    const name = readFileSync(f, 'utf8').trim();
    const dir = path.join(this.checkpoints, name);
    if (!existsSync(path.join(dir, 'trainer.json'))) throw new Error(`${f} names ${name}, which is missing or incomplete`);
    return dir;
  }

  /** Serving snapshot: weights plus what `pfd design` needs to rebuild the model. */
  saveServing(model: nn.Module, config: Readonly<TrainConfig>, users: string[], iteration: number): void {
    nn.saveModule(model, this.model, {
      format: 'pfd-designer',
      config: JSON.stringify(config),
      users: JSON.stringify(users),
      iteration: String(iteration),
    });
  }

  saveCheckpoint(model: nn.Module, optimizers: [string, nn.Optimizer][], state: TrainerState, keep: number): string {
    const name = iterName(state.iteration);
    const tmp = path.join(this.checkpoints, `.${name}.tmp`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    nn.saveModule(model, path.join(tmp, 'model.safetensors'));
    for (const [n, o] of optimizers) nn.saveOptimizer(o, path.join(tmp, `optim-${n}.safetensors`));
    T.writeFileAtomic(path.join(tmp, 'trainer.json'), json(state));
    const final = path.join(this.checkpoints, name);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
    T.writeFileAtomic(path.join(this.checkpoints, 'latest'), new TextEncoder().encode(name + '\n'));
    // Keep the newest `keep` checkpoints.
    const all = readdirSync(this.checkpoints)
      .filter((n) => /^iter-\d+$/.test(n))
      .sort();
    for (const old of all.slice(0, Math.max(0, all.length - keep)))
      rmSync(path.join(this.checkpoints, old), { recursive: true, force: true });
    return final;
  }

  /** Loads the newest checkpoint into model and optimizers; cuts metrics.jsonl back to it. */
  loadCheckpoint(model: nn.Module, optimizers: [string, nn.Optimizer][]): TrainerState {
    const dir = this.latestCheckpoint();
    if (!dir) throw new Error(`${this.dir} has no checkpoint to resume from`);
    nn.loadModule(model, path.join(dir, 'model.safetensors'));
    for (const [n, o] of optimizers) nn.loadOptimizer(o, path.join(dir, `optim-${n}.safetensors`));
    const state = JSON.parse(readFileSync(path.join(dir, 'trainer.json'), 'utf8')) as TrainerState;
    if (this.metricsBytes() > state.metricsBytes) truncateSync(this.metrics, state.metricsBytes);
    return state;
  }

  samplePath(iteration: number): string {
    return path.join(this.samples, `${iterName(iteration)}.png`);
  }
}

/** Reads a serving snapshot's model config, user ids and iteration. */
export function readServingMetadata(file: string): { config: TrainConfig; users: string[]; iteration: number } {
  if (!existsSync(file)) throw new Error(`${file} not found: the run has no model yet (train it with 'pfd train')`);
  const metadata = T.readSafetensorsMetadata(file);
  if (metadata.format !== 'pfd-designer') throw new Error(`${file} is not a pfd designer snapshot`);
  return {
    config: JSON.parse(metadata.config!) as TrainConfig,
    users: JSON.parse(metadata.users!) as string[],
    iteration: Number(metadata.iteration),
  };
}

/** A run's users must be the dataset's users, in order (theta_u rows are indexed by them). */
export function checkSameUsers(datasetUsers: string[], runUsers: string[], dataPath: string, runDir: string): void {
  if (datasetUsers.length === runUsers.length && datasetUsers.every((u, i) => u === runUsers[i])) return;
  throw new Error(
    `the dataset at ${dataPath} has changed since ${runDir} was trained: it has ${datasetUsers.length} users, the run has ${runUsers.length}` +
      `${datasetUsers.length === runUsers.length ? ' (different ids or order)' : ''}. Evaluate the run on the data it was trained on.`,
  );
}
