// Checkpoints as safetensors files: a module's state dict (weights that load
// in PyTorch with safetensors.torch.load_file + load_state_dict) and an
// optimizer's state (moments and step counts) for resuming.
import { Tensor, saveTensors, loadTensors, dispose, tidy } from '../torch/index.js';
import type { Module } from './module.js';
import type { Optimizer } from './optim/optimizer.js';

/** Writes module.stateDict() to `file` atomically. Metadata values must be strings. */
export function saveModule(module: Module, file: string, metadata?: Record<string, string>): void {
  tidy(() => {
    const sd = new Map<string, Tensor>();
    // Save contiguous CPU copies so the file has PyTorch's layout whatever the device.
    for (const [k, v] of module.stateDict()) sd.set(k, v.device === 'cpu' ? v : v.to('cpu'));
    saveTensors(file, sd, metadata);
  });
}

/** Loads `file` into module, checking names, shapes and dtypes (all mismatches named). */
export function loadModule(
  module: Module,
  file: string,
  opts: { strict?: boolean; allowMissing?: (name: string) => boolean; ignore?: (name: string) => boolean } = {},
): Record<string, string> {
  const { tensors, metadata } = loadTensors(file);
  try {
    module.loadStateDict(tensors, {
      strict: opts.strict,
      allowMissing: opts.allowMissing,
      ignore: opts.ignore,
      what: `checkpoint ${file}`,
    });
  } finally {
    dispose([...tensors.values()]);
  }
  return metadata;
}

export function saveOptimizer(opt: Optimizer, file: string, metadata: Record<string, string> = {}): void {
  const { tensors, scalars } = opt.stateDict();
  saveTensors(file, tensors, { ...metadata, optimizer: opt.name, scalars: JSON.stringify(scalars) });
}

export function loadOptimizer(opt: Optimizer, file: string): Record<string, string> {
  const { tensors, metadata } = loadTensors(file);
  try {
    if (metadata.optimizer !== opt.name) {
      throw new Error(`${file}: holds ${metadata.optimizer ?? 'no'} optimizer state, expected ${opt.name}`);
    }
    opt.loadStateDict({ tensors, scalars: JSON.parse(metadata.scalars ?? '{}') as Record<string, number> });
  } finally {
    dispose([...tensors.values()]);
  }
  return metadata;
}
