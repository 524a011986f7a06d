// A synthetic world's ground truth for evaluation: its description (tastes, item
// attributes) and its oracle attribute classifier, found from a dataset path.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { World } from './world.js';
import { readWorld, worldRoot } from './write.js';
import { loadClassifier, type AttributeClassifier } from './classifier.js';

export interface WorldGroundTruth {
  root: string;
  world: World;
  oracleFile: string | null; // the world's oracle-classifier.safetensors, when it has one
  oracle: AttributeClassifier | null; // loaded from it (dispose() when done)
}

/** The ground truth of the synthetic world that `dataPath` belongs to, or null for other data. */
export function loadWorldGroundTruth(dataPath: string): WorldGroundTruth | null {
  const root = worldRoot(dataPath);
  if (!root) return null;
  const file = path.join(root, 'oracle-classifier.safetensors');
  const oracleFile = existsSync(file) ? file : null;
  return { root, world: readWorld(root), oracleFile, oracle: oracleFile ? loadClassifier(oracleFile).model : null };
}
