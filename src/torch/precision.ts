// Mixed precision: libtorch's autocast (the dispatcher's AutocastCPU / Autocast
// keys, exactly what torch.autocast switches on). Inside withPrecision('bf16', ...)
// convolutions and matrix products run in bfloat16 on the CPU's matrix units
// (oneDNN: AVX512-BF16 / AMX), precision-sensitive ops (losses, softmax, norms'
// statistics) in float32; weights, gradients and optimizer state stay float32
// (master weights), since autocast casts a copy of each weight per op and the
// cast's backward returns float32 gradients.
import { readFileSync } from 'node:fs';
import { native } from './native.js';
import type { Device } from './device.js';

export type Precision = 'fp32' | 'bf16';
export const PRECISIONS: readonly Precision[] = ['fp32', 'bf16'];

let bf16Cpu: boolean | undefined;

/**
 * Whether this CPU has native bfloat16 matrix instructions (AVX512-BF16 or AMX-BF16),
 * without which oneDNN emulates bf16 and it is slower than float32.
 */
export function cpuSupportsBf16(): boolean {
  if (bf16Cpu === undefined) {
    try {
      const flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
      bf16Cpu = /\b(avx512_bf16|amx_bf16)\b/.test(flags);
    } catch {
      bf16Cpu = false; // not Linux: no way to tell, stay in float32
    }
  }
  return bf16Cpu;
}

/**
 * The default precision on a device: bf16 on a CPU with bf16 matrix units (where oneDNN
 * runs bf16 convolutions 3-7x faster than fp32, per the mixed-precision issue's
 * measurements; not re-measured on this project's current machine, which has no such
 * units and runs bf16 at 0.84x fp32: docs/benchmarks.md), fp32 elsewhere (on CUDA, bf16
 * is offered but its speed and quality were not measured on a GPU yet).
 */
export function defaultPrecision(device: Device): Precision {
  return device === 'cpu' && cpuSupportsBf16() ? 'bf16' : 'fp32';
}

/** Checks a precision name from user input (a flag, a config). */
export function parsePrecision(name: string): Precision {
  if (!(PRECISIONS as readonly string[]).includes(name))
    throw new Error(`unknown precision '${name}': expected ${PRECISIONS.join(' or ')}`);
  return name as Precision;
}

/**
 * Runs fn under `precision` on `device` (autocast on for bf16, off for fp32), restoring
 * the previous state after, so regions nest. Results may be bfloat16: cast what must be
 * float32 (scores, losses) at the model's outputs.
 */
export function withPrecision<R>(precision: Precision, device: Device, fn: () => R): R {
  const kind = device === 'cpu' ? 'cpu' : 'cuda';
  const prev = native.setAutocast(kind, precision === 'bf16' ? 'bfloat16' : null);
  try {
    return fn();
  } finally {
    native.setAutocast(kind, prev);
  }
}

/** The dtype autocast computes in on `device` now, or null when it is off. */
export function autocastDtype(device: Device): string | null {
  const kind = device === 'cpu' ? 'cpu' : 'cuda';
  const cur = native.setAutocast(kind, null);
  native.setAutocast(kind, cur);
  return cur;
}
