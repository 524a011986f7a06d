// A tiny synthetic world on disk and a tiny model preset, so training tests
// run real Algorithm 1 iterations in seconds.
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { classifierPath } from '../../src/data/world/oracle_classifier_cache.js';
import { AttributeClassifier, saveClassifier } from '../../src/data/world/classifier.js';
import { makeWorld, WORLD_PRESETS } from '../../src/data/world/world.js';
import { writeWorld } from '../../src/data/world/write.js';
import type { ModelPreset } from '../../src/models/presets.js';
import { resolveConfig, type ConfigOverrides, type TrainConfig } from '../../src/train/config.js';
import { tmp } from '../data/fixtures.js';

export const TINY_MODEL: ModelPreset = {
  encoder: { imageSize: 64, blocks: [[4], [8], [8], [8]], batchNorm: true, fc: [16, 16], latent: 8 },
  metricHidden: [8],
  decoder: { baseChannels: 8, channels: [8, 8, 8, 8, 6, 4], strides: [2, 1, 2, 1, 2, 2], kernel: 5, imageChannels: 3 },
  discriminator: { imageSize: 64, imageChannels: 3, channels: [4, 8, 8, 8], kernel: 5, hidden: 8 },
};

/** A 4-user world with 64x64 images in a fresh temporary folder. */
export async function tinyWorld(): Promise<string> {
  const dir = path.join(tmp('world'), 'world');
  const world = makeWorld({ ...WORLD_PRESETS.demo, users: 4, tops: 40, bottoms: 40, pool: 20, trainPerUser: 8, testPerUser: 2 });
  await writeWorld(world, dir);
  return dir;
}

export function tinyConfig(data: string, ...overrides: ConfigOverrides[]): Readonly<TrainConfig> {
  return resolveConfig(
    'cpu',
    {
      model: TINY_MODEL,
      data: { path: data, format: 'manifest' },
      batchSize: 4,
      iterations: 4,
      checkpointEvery: 2,
      sampleEvery: 2,
      sampleQueries: 2,
      sampleUsers: 2,
      evalEvery: 0, // (the light evaluation has its own tests)
    },
    ...overrides,
  );
}

/**
 * tinyWorld() with an oracle classifier: the real one when this machine has it cached, else an
 * untrained one of the same architecture (for tests of plumbing, not of the oracle's figures).
 */
export async function tinyWorldWithOracle(): Promise<string> {
  const world = await tinyWorld();
  const oracle = path.join(world, 'oracle-classifier.safetensors');
  if (existsSync(classifierPath(64))) copyFileSync(classifierPath(64), oracle);
  else {
    const c = new AttributeClassifier();
    saveClassifier(
      c,
      { accuracy: { silhouette: 0, category: 0, colour: 0, pattern: 0, secondary: 0 }, heldOut: 0, seconds: 0, trainImages: 0, epochs: 0 },
      oracle,
    );
    c.dispose();
  }
  return world;
}
