// Where the oracle classifier lives: trained once per machine and image size
// into the cache folder ($PFD_CACHE, else $XDG_CACHE_HOME/pfd, else ~/.cache/pfd),
// then reused by every world.
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLASSIFIER_VERSION, loadClassifier, saveClassifier, trainClassifier, type AttributeClassifier, type ClassifierReport } from './classifier.js';

export function cacheDir(): string {
  return process.env.PFD_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'pfd');
}

export function classifierPath(size: number): string {
  return path.join(cacheDir(), `oracle-classifier-${size}px-v${CLASSIFIER_VERSION}.safetensors`);
}

export async function ensureClassifier(size: number, onProgress?: (phase: string, done: number, total: number) => void):
  Promise<{ model: AttributeClassifier; report: ClassifierReport; file: string; trained: boolean }> {
  const file = classifierPath(size);
  if (existsSync(file)) return { ...loadClassifier(file), file, trained: false };
  const { model, report } = await trainClassifier({ size, onProgress });
  mkdirSync(path.dirname(file), { recursive: true });
  saveClassifier(model, report, file);
  return { model, report, file, trained: true };
}
