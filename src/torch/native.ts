// Loads the libtorch N-API addon (native/) and types its surface.
// Everything in src/ reaches libtorch through this one module.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';

/** An opaque native object owning one at::Tensor reference. */
export interface TensorHandle {
  readonly __brand: 'TensorHandle';
}

export interface NativeAddon {
  TensorHandle: abstract new () => TensorHandle;
  findOp(name: string, overload?: string): number;
  opSchema(id: number): string;
  callOp(id: number, args: unknown[]): unknown;
  fromBuffer(data: ArrayBufferView, shape: number[], dtype: string, device?: string): TensorHandle;
  toBuffer(t: TensorHandle): ArrayBuffer;
  shape(t: TensorHandle): number[];
  dtype(t: TensorHandle): string;
  device(t: TensorHandle): string;
  requiresGrad(t: TensorHandle): boolean;
  setRequiresGrad(t: TensorHandle, on: boolean): void;
  grad(t: TensorHandle): TensorHandle | null;
  setGrad(t: TensorHandle, g: TensorHandle | null): void;
  backward(t: TensorHandle, grad: TensorHandle | null, retainGraph: boolean, createGraph: boolean): void;
  gradients(output: TensorHandle, inputs: TensorHandle[], createGraph: boolean): TensorHandle[];
  free(t: TensorHandle): void;
  isFreed(t: TensorHandle): boolean;
  item(t: TensorHandle): number;
  sameTensor(a: TensorHandle, b: TensorHandle): boolean;
  contentVersion(t: TensorHandle): string;
  setGradEnabled(on: boolean): void;
  isGradEnabled(): boolean;
  manualSeed(seed: number): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  liveTensors(): number;
  cudaDeviceCount(): number;
  emptyCache(): number;
  cacheStats(): { enabled: boolean; cachedBytes: number; reusedBlocks: number };
  /** Turns autocast on (dtype) or off (null) on 'cpu' or 'cuda'; returns the previous dtype or null. */
  setAutocast(device: 'cpu' | 'cuda', dtype: string | null): string | null;
  /** libtorch's operator profiler: start recording; stop writes a Chrome trace JSON to the file given at start. */
  profileStart(file: string): void;
  profileStop(): void;
  buildInfo(): { torchVersion: string; mkldnn: boolean; openmp: boolean; cuda: boolean; config: string; parallel: string };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const addonPath = process.env.PFD_TORCH_ADDON ?? path.join(repoRoot, 'native', 'build', 'Release', 'pfd_torch.node');

function load(): NativeAddon {
  if (!existsSync(addonPath)) {
    throw new Error(
      `libtorch addon not built: ${addonPath} is missing.\n` +
        `Run 'npm run bootstrap' (installs libtorch-dev when root, then builds native/), ` +
        `or build against another libtorch with 'LIBTORCH=/path/to/libtorch npm run build:native'.`,
    );
  }
  const require = createRequire(import.meta.url);
  try {
    return require(addonPath) as NativeAddon;
  } catch (e) {
    throw new Error(
      `could not load the libtorch addon ${addonPath}: ${(e as Error).message}\n` +
        `If libtorch was upgraded or moved, rebuild with 'npm run build:native'.`,
    );
  }
}

export const native: NativeAddon = load();

// libtorch starts with one intra-op thread here; use every core unless told otherwise.
const wanted = Number(process.env.PFD_THREADS ?? 0);
native.setNumThreads(wanted > 0 ? wanted : Math.max(1, os.availableParallelism()));
