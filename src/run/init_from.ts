// Warm start (`pfd train --init-from MODEL`): a new run whose model begins with another run's
// trained weights (its serving snapshot: F, M, theta_u, G, D and any pair discriminator, with
// BatchNorm statistics), with fresh optimizers, iteration 0 and this run's own settings. It
// fine-tunes a shipped model (pretrained/demo-cpu) with a changed loss or schedule without
// training it again from scratch. The snapshot must be the same model: the same `--model`,
// users (theta_u's rows are indexed by them), user conditioning, task and architecture.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import * as nn from '../nn/index.js';
import * as T from '../torch/index.js';
import { isDesigner, type FashionModel } from '../models/fashion_model.js';
import type { TrainConfig } from '../train/config.js';
import { readServingMetadata } from './run_dir.js';

/** The snapshot file a `--init-from` path names: a run (or pretrained) folder's model.safetensors, or the file itself. */
export function initSnapshotPath(p: string): string {
  const abs = path.resolve(p);
  if (!existsSync(abs))
    throw new Error(
      `--init-from ${p}: not found (give a run folder, a pretrained folder such as pretrained/demo-cpu, or its model.safetensors)`,
    );
  const file = statSync(abs).isDirectory() ? path.join(abs, 'model.safetensors') : abs;
  if (!existsSync(file)) throw new Error(`--init-from ${p}: ${file} not found (the run has written no checkpoint yet)`);
  return file;
}

export interface InitSnapshot {
  file: string;
  iteration: number; // the iteration of its run the snapshot was taken at
  notes: string[]; // differences that do not stop a warm start (other data settings)
}

/**
 * Checks that the snapshot `initFrom` names fits a run of `config` over `users`, without
 * loading its weights (so that a misfit is refused before any image is cached). Throws,
 * naming the file and the difference.
 */
export function checkInitSnapshot(config: Readonly<TrainConfig>, users: readonly string[]): InitSnapshot {
  const file = initSnapshotPath(config.initFrom!);
  let meta: ReturnType<typeof readServingMetadata>;
  try {
    meta = readServingMetadata(file);
  } catch (e) {
    const hint = /checkpoints[/\\]iter-/.test(file)
      ? " (a resume checkpoint's weights: give the run folder, whose model.safetensors is its serving snapshot)"
      : '';
    throw new Error(`--init-from ${file}: ${(e as Error).message}${hint}`);
  }
  const was = meta.config;
  const differ = (what: string, a: unknown, b: unknown, flag: string) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      throw new Error(`--init-from ${file}: it was trained with ${what} ${JSON.stringify(a)}, this run has ${JSON.stringify(b)} (${flag})`);
  };
  differ('the model', was.method ?? 'designer', config.method, '--model');
  differ('user conditioning', was.userCond, config.userCond, '--user-cond');
  differ('the task', was.task, config.task, '--task');
  // The architecture, but for colour modes, which a snapshot of the paper's G may gain (fresh mode offsets and head).
  const arch = (m: TrainConfig['model']) => ({ ...m, colourModes: undefined, colourHistory: undefined });
  differ('the architecture', arch(was.model), arch(config.model), 'its config.json: --preset, --pair-disc, --gen-input-norm');
  const modesOf = (m: TrainConfig['model']) => ((m.colourModes ?? 0) > 0 ? `colour ${m.colourModes}` : '1');
  const [wasModes, modes] = [modesOf(was.model), modesOf(config.model)];
  if (wasModes !== modes && wasModes !== '1') differ('colour modes', wasModes, modes, '--colour-modes');
  if (meta.users.length !== users.length || meta.users.some((u, i) => u !== users[i])) {
    const held = (c: TrainConfig) => (c.data.excludeUsers?.length ? `, ${c.data.excludeUsers.length} held out with --holdout-users` : '');
    throw new Error(
      `--init-from ${file}: it was trained with ${meta.users.length} users${held(was)}, this run's data (${config.data.path}) has ${users.length}${held(config as TrainConfig)}` +
        `${meta.users.length === users.length ? ' (different ids or order)' : ''}; a warm start needs the same users in the same order`,
    );
  }
  const notes: string[] = [];
  if (wasModes !== modes)
    notes.push(
      `--init-from: the snapshot's G has no colour modes; this run's (${modes}) start as random offsets of its design, and its mode head untrained (colour_modes.ts)`,
    );
  const data = (c: TrainConfig) =>
    JSON.stringify({ format: c.data.format, set: c.data.set, version: c.data.version, excludeUsers: c.data.excludeUsers ?? [] });
  if (data(was) !== data(config as TrainConfig) || path.resolve(was.data.path) !== path.resolve(config.data.path)) {
    notes.push(
      `--init-from: the snapshot was trained on ${was.data.path} (${data(was)}), this run trains on ${config.data.path} (${data(config as TrainConfig)}); its users' ids match`,
    );
  }
  return { file, iteration: meta.iteration, notes };
}

/** Copies the checked snapshot's weights and buffers into `model` (built from the run's config). */
export function loadInitSnapshot(model: FashionModel, init: InitSnapshot): void {
  try {
    // G's mode offsets and mode head are the only weights a snapshot may lack (checkInitSnapshot allowed
    // it); colour histories are counted from the training split when training starts (trainer.ts).
    // A snapshot's histories are data, not weights: a run without --colour-history leaves them out.
    const history = (name: string) => /^colour_history_(top|bottom)$/.test(name);
    // An averaged G (--g-average) the snapshot lacks starts as a copy of its G (and one it has is dropped by a run without averages).
    const average = (name: string) => /^gen_avg_(top|bottom)\./.test(name);
    nn.loadModule(model, init.file, {
      allowMissing: (name) =>
        /^gen_(top|bottom)\.(mode_embedding\.weight|mode_prior\.\d+\.(weight|bias))$/.test(name) || history(name) || average(name),
      ignore: (name) => history(name) || (average(name) && !(isDesigner(model) && model.averagedGenerators.size)),
    });
    if (isDesigner(model))
      T.noGrad(() => {
        for (const [c, avg] of model.averagedGenerators)
          avg.stateDict().forEach((t, k) => T.copy_(t, model.generator(c).stateDict().get(k)!));
      });
  } catch (e) {
    throw new Error(`--init-from: ${(e as Error).message}. Train with the snapshot's architecture options (its config.json)`);
  }
}
