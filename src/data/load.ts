// One entry point to open a dataset by format (used by `pfd data inspect`,
// `pfd train`, `pfd design`, `pfd eval`), and where its image caches live.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { loadManifest, type FashionDataset } from './manifest.js';
import { loadPolyvoreU, POLYVORE_U_SETS } from './datasets/polyvore_u.js';
import { loadPolyvoreOutfits } from './datasets/polyvore_outfits.js';
import { cacheDir } from './world/oracle_classifier_cache.js';
import { withoutUsers } from './user_subsets.js';

export const DATASET_FORMATS = ['manifest', 'polyvore-u', 'polyvore-outfits'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface DatasetSpec {
  path: string;
  format: DatasetFormat;
  set?: string; // polyvore-u: 630 | 519 | 53 | 32
  images?: string; // polyvore-u: image folder override
  version?: string; // polyvore-outfits: nondisjoint | disjoint
  skipBad: boolean;
  excludeUsers?: string[]; // users held out (their outfits removed): the new-users experiment
}

/** The file or folder a spec reads its outfits from (for messages). */
export function datasetSource(spec: DatasetSpec): string {
  const target = path.resolve(spec.path);
  if (spec.format === 'polyvore-u') return path.join(target, `tuples_${spec.set ?? '630'}`);
  if (spec.format === 'polyvore-outfits') return path.join(target, spec.version ?? 'nondisjoint');
  return existsSync(target) && statSync(target).isFile() ? target : path.join(target, 'manifest.jsonl');
}

export function loadDataset(spec: DatasetSpec): FashionDataset {
  const d = loadAllUsers(spec);
  return spec.excludeUsers?.length ? withoutUsers(d, spec.excludeUsers) : d;
}

function loadAllUsers(spec: DatasetSpec): FashionDataset {
  const target = path.resolve(spec.path);
  // (A missing manifest is reported by loadManifest, naming the manifest file.)
  if (spec.format !== 'manifest' && !existsSync(target)) throw new Error(`dataset '${spec.path}' not found (${target})`);
  const skipBad = spec.skipBad;
  if (spec.format === 'polyvore-u') {
    const set = spec.set ?? '630';
    if (!(POLYVORE_U_SETS as readonly string[]).includes(set)) throw new Error(`unknown Polyvore-U set '${set}' (expected ${POLYVORE_U_SETS.join(', ')})`);
    return loadPolyvoreU(target, { set: set as (typeof POLYVORE_U_SETS)[number], images: spec.images, skipBad });
  }
  if (spec.format === 'polyvore-outfits') {
    const version = spec.version ?? 'nondisjoint';
    if (version !== 'nondisjoint' && version !== 'disjoint') throw new Error(`unknown Polyvore Outfits version '${version}' (expected nondisjoint or disjoint)`);
    return loadPolyvoreOutfits(target, { version, skipBad });
  }
  if (spec.format !== 'manifest') throw new Error(`unknown dataset format '${spec.format}' (expected ${DATASET_FORMATS.join(', ')})`);
  return loadManifest(datasetSource(spec), { skipBad });
}

/** Per-dataset image cache folder on this machine (datasets may be read-only). */
export function imageCacheDir(spec: DatasetSpec): string {
  const key = createHash('sha256').update(`${spec.format}|${path.resolve(spec.path)}|${spec.set ?? ''}|${spec.version ?? ''}|${spec.images ?? ''}`).digest('hex').slice(0, 16);
  return path.join(cacheDir(), 'images', key);
}
