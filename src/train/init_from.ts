// Warm start (`pfd train --init-from MODEL`): a new run whose model begins with another run's
// trained weights (its serving snapshot: F, M, theta_u, G, D and any pair discriminator), with
// fresh optimizers, iteration 0 and this run's own settings. It fine-tunes a shipped model
// (pretrained/demo-cpu) with a changed loss or schedule without training it again from
// scratch. The model's shape must match: the same model, users (theta_u's rows are indexed
// by them) and architecture options.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import * as nn from '../nn/index.js';
import type { FashionModel } from '../models/fashion_model.js';
import type { TrainConfig } from './config.js';
import { readServingMetadata } from './run_dir.js';

/** The snapshot file a `--init-from` path names: a run (or pretrained) folder's model.safetensors, or the file itself. */
export function initSnapshotPath(p: string): string {
  const abs = path.resolve(p);
  if (!existsSync(abs)) throw new Error(`--init-from ${p}: not found (give a run folder, a pretrained folder such as pretrained/demo-cpu, or its model.safetensors)`);
  const file = statSync(abs).isDirectory() ? path.join(abs, 'model.safetensors') : abs;
  if (!existsSync(file)) throw new Error(`--init-from ${p}: ${file} not found (the run has written no checkpoint yet)`);
  return file;
}

/**
 * Copies the snapshot's weights into `model` (built from `config`, for `users`); returns the
 * iteration the snapshot was taken at. Throws, naming the file and the difference, when the
 * snapshot is another model, has other users, or its tensors do not fit.
 */
export function initFromSnapshot(model: FashionModel, config: Readonly<TrainConfig>, users: readonly string[], file: string): { iteration: number; method: string } {
  let meta: ReturnType<typeof readServingMetadata>;
  try {
    meta = readServingMetadata(file);
  } catch (e) {
    throw new Error(`--init-from ${file}: ${(e as Error).message}`);
  }
  const method = meta.config.method ?? 'designer';
  if (method !== config.method) throw new Error(`--init-from ${file}: it holds the model '${method}', this run trains '${config.method}' (use --model ${method})`);
  if (meta.users.length !== users.length || meta.users.some((u, i) => u !== users[i])) {
    throw new Error(`--init-from ${file}: it was trained with ${meta.users.length} users, the dataset ${config.data.path} has ${users.length}` +
      `${meta.users.length === users.length ? ' (different ids or order)' : ''}; a warm start needs the same users (add new ones to a trained run with 'pfd users add')`);
  }
  try {
    nn.loadModule(model, file);
  } catch (e) {
    throw new Error(`--init-from: ${(e as Error).message}. Train with the snapshot's architecture options (its config.json: preset, --pair-disc, --user-cond, --gen-input-norm, ...)`);
  }
  return { iteration: meta.iteration, method };
}
