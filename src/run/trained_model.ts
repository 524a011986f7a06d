// Opens a trained run for designing and evaluation: the serving snapshot
// (model.safetensors) rebuilt into a Designer, with its config and user ids.
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';
import { isDesigner, type FashionModel } from '../models/fashion_model.js';
import { modelImageSize } from '../models/presets.js';
import type { TrainConfig } from '../train/config.js';
import { RunDir, readServingMetadata } from './run_dir.js';
import { buildModel } from '../train/models.js';
import { readAddedUsers } from '../users/added_users.js';

export interface TrainedModel {
  run: RunDir;
  model: FashionModel; // the paper's Designer, an ablation of it, or a baseline (requireDesigner() where it matters)
  config: TrainConfig;
  users: string[]; // the trained users, then any added after training (fold-in)
  trainedUsers: number; // how many of `users` the model was trained with
  iteration: number;
  imageSize: number; // the side of the images the model reads and designs (64, or the paper's 128)
  userIndex(id: string): number;
  dispose(): void;
}

/**
 * Opens a run's serving snapshot on `device`. Weights are float32 whatever the precision they
 * were trained in, so any precision can design with them. By default: the run's own precision
 * where this device runs it natively, else fp32 (so a figure does not depend on the machine
 * unless asked).
 */
export function openRun(dir: string, device: T.Device = 'cpu', precision?: T.Precision): TrainedModel {
  const run = new RunDir(dir);
  if (!existsSync(run.dir)) throw new Error(`run '${dir}' not found (${run.dir})`);
  if (!existsSync(run.model))
    throw new Error(
      `${run.dir} has no model.safetensors yet: train it with 'pfd train' (a checkpoint is written every checkpointEvery iterations)`,
    );
  const { config, users: trainedUsers, iteration } = readServingMetadata(run.model);
  const model = buildModel(config, trainedUsers.length);
  nn.loadModule(model, run.model);
  // Users added after training (pfd users add), for this snapshot.
  const users = [...trainedUsers];
  const known = new Set(users);
  const designer = isDesigner(model) ? model : null; // (only the designer takes users after training)
  let added: ReturnType<typeof readAddedUsers> = [];
  try {
    added = designer ? readAddedUsers(run, iteration) : [];
    for (const a of added) {
      const dup = a.users.find((u) => known.has(u));
      if (dup !== undefined) throw new Error(`${a.file}: user '${dup}' is already in the run`);
      designer!.appendUsers(a.theta, a.histories);
      for (const u of a.users) {
        users.push(u);
        known.add(u);
      }
    }
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    for (const a of added) T.dispose([a.theta, ...a.histories.values()]);
  }
  model.to(device).eval();
  model.precision = precision ?? (config.precision === 'bf16' && T.defaultPrecision(device) === 'bf16' ? 'bf16' : 'fp32');
  const index = new Map(users.map((u, i) => [u, i]));
  return {
    run,
    model,
    config,
    users,
    trainedUsers: trainedUsers.length,
    iteration,
    imageSize: modelImageSize(config.model),
    userIndex(id) {
      const i = index.get(id);
      if (i === undefined) {
        throw new Error(
          `unknown user '${id}' in ${path.basename(run.dir)} (${users.length} users: ${users.slice(0, 5).join(', ')}${users.length > 5 ? ', ...' : ''})`,
        );
      }
      return i;
    },
    dispose: () => model.dispose(),
  };
}

/**
 * `--colour-history A` of pfd eval and pfd design: designs with weight A on the colour
 * history instead of the run's own (0 = the mode head alone). A model without histories
 * accepts only 0 (nothing to change). Returns the weight the designs will be made with
 * (undefined for a model without histories).
 */
export function overrideColourHistory(trained: TrainedModel, weight: number | undefined): number | undefined {
  const withHistory = isDesigner(trained.model) && trained.model.colourHistories.size > 0 ? trained.model : null;
  if (weight !== undefined && !withHistory && weight !== 0) {
    throw new Error(`--colour-history: ${trained.run.dir} keeps no colour history (train it with --colour-modes L --colour-history A)`);
  }
  if (withHistory && weight !== undefined) withHistory.colourHistoryWeight = weight;
  return withHistory?.colourHistoryWeight;
}
