// Writes a benchmark's figures to bench/results/<name>.json, with the machine they came from.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as T from '../src/torch/index.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

export function writeResult(name: string, figures: Record<string, unknown>, command: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const info = T.buildInfo();
  const record = {
    benchmark: name,
    command,
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      threads: T.getNumThreads(),
      bf16_matrix_units: T.cpuSupportsBf16(),
    },
    libtorch: info.torchVersion,
    ...figures,
  };
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  return file;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
