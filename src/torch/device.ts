// Devices by libtorch's names. CUDA is there only when the linked libtorch
// has it (build with LIBTORCH=/path/to/a/cuda/libtorch).
import { native } from './native.js';

export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

export function cudaAvailable(): boolean {
  return cudaDeviceCount() > 0;
}

/** Checks a device name from user input (a flag, a config) and says what is available. */
export function parseDevice(name: string): Device {
  if (name === 'cpu') return 'cpu';
  const m = /^cuda(?::(\d+))?$/.exec(name);
  if (!m) throw new Error(`unknown device '${name}': expected 'cpu', 'cuda' or 'cuda:N'`);
  const n = cudaDeviceCount();
  const index = m[1] === undefined ? 0 : Number(m[1]);
  if (n === 0) {
    throw new Error(
      `device '${name}' asked for, but this libtorch has no CUDA (or no GPU is visible): ` +
        `rebuild the addon with LIBTORCH=/path/to/a/cuda/libtorch, or use --device cpu`,
    );
  }
  if (index >= n) throw new Error(`device '${name}' asked for, but only ${n} CUDA device(s) are visible`);
  return name as Device;
}

/** The best device here: the first GPU when there is one, else the CPU. */
export function defaultDevice(): Device {
  return cudaAvailable() ? 'cuda:0' : 'cpu';
}
