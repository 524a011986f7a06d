// Users added to a trained run after training (fold-in, fold_in.ts), stored
// beside its serving snapshot and never inside it:
//   RUN/users/iter-NNNNNNN/added-0001.safetensors   theta [n, latent] ("theta"),
//                                                   colour-history models: "colour_history_top" /
//                                                   "colour_history_bottom" [n, modes],
//                                                   metadata: users (JSON ids), options, date
// Vectors are learned against one snapshot's F and M, so they are filed under
// that snapshot's iteration and only loaded with it: a run trained further
// (resumed) starts with no added users until they are added again. Each
// `pfd users add` writes the next numbered file, atomically; a file is never
// rewritten, so an earlier version of the user set is always recoverable.
import { existsSync, linkSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as T from '../torch/index.js';
import type { RunDir } from '../run/run_dir.js';
import type { Category } from '../models/designer.js';

export interface AddedUsersFile {
  file: string;
  users: string[];
  theta: T.Tensor; // [n, latent] float32, CPU (kept: dispose after use)
  histories: Map<Category, T.Tensor>; // colour histories [n, modes] per category, where the file has them (kept too)
  metadata: Record<string, string>;
}

const iterName = (i: number) => `iter-${String(i).padStart(7, '0')}`;

export function addedUsersDir(run: RunDir, iteration: number): string {
  return path.join(run.dir, 'users', iterName(iteration));
}

/** The added-user files of the snapshot at `iteration`, oldest first. */
export function readAddedUsers(run: RunDir, iteration: number): AddedUsersFile[] {
  const dir = addedUsersDir(run, iteration);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^added-\d{4,}\.safetensors$/.test(f))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const { tensors, metadata } = T.loadTensors(file);
      const theta = tensors.get('theta');
      let users: unknown;
      try {
        users = JSON.parse(metadata.users ?? 'null');
      } catch {
        users = null;
      }
      if (!theta || !Array.isArray(users) || users.some((u) => typeof u !== 'string') || theta.size(0) !== users.length) {
        for (const t of tensors.values()) t.dispose();
        throw new Error(`${file}: not an added-users file (needs a tensor 'theta' [n, latent] and metadata 'users' with n ids)`);
      }
      const histories = new Map<Category, T.Tensor>();
      for (const [k, t] of tensors) {
        const m = /^colour_history_(top|bottom)$/.exec(k);
        if (m && !(t.ndim === 2 && t.size(0) === users.length)) {
          for (const x of tensors.values()) x.dispose();
          throw new Error(`${file}: '${k}' has shape [${t.shape.join(', ')}], expected [${users.length}, modes] (one row per user)`);
        }
        if (m) histories.set(m[1] as Category, t);
        else if (k !== 'theta') t.dispose();
      }
      return { file, users: users as string[], theta, histories, metadata };
    });
}

/** Writes the next version of added users for the snapshot at `iteration`; returns its path. */
export function writeAddedUsers(
  run: RunDir,
  iteration: number,
  users: string[],
  theta: T.Tensor,
  metadata: Record<string, string>,
  histories?: ReadonlyMap<Category, T.Tensor>,
): string {
  if (theta.size(0) !== users.length) throw new Error(`writeAddedUsers: ${users.length} ids for ${theta.size(0)} vectors`);
  const dir = addedUsersDir(run, iteration);
  mkdirSync(dir, { recursive: true });
  // Written under a temporary name, then hard-linked to the next free number (link fails when the name
  // exists): two concurrent `users add` never overwrite each other's file.
  const tmp = path.join(dir, `.added-${process.pid}-${Date.now()}.tmp`);
  T.saveTensors(
    tmp,
    { theta, ...Object.fromEntries([...(histories ?? [])].map(([c, h]) => [`colour_history_${c}`, h])) },
    { ...metadata, users: JSON.stringify(users), snapshot_iteration: String(iteration), date: new Date().toISOString() },
  );
  try {
    for (;;) {
      const taken = readdirSync(dir)
        .map((f) => /^added-(\d+)\.safetensors$/.exec(f)?.[1])
        .filter((x): x is string => !!x)
        .map(Number);
      const file = path.join(dir, `added-${String((taken.length ? Math.max(...taken) : 0) + 1).padStart(4, '0')}.safetensors`);
      try {
        linkSync(tmp, file);
        return file;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}
