// The safetensors file format, as Python's `safetensors` writes and reads it:
//   8 bytes   little-endian u64 N, the header length
//   N bytes   JSON {"__metadata__": {str: str}?, name: {dtype, shape, data_offsets: [begin, end]}}
//             padded with spaces to a multiple of 8
//   rest      the tensors' raw little-endian bytes; offsets are relative to here
// Tensors are laid out largest dtype first, then by name (the reference
// implementation's order, which keeps every tensor aligned).
import { closeSync, fsyncSync, openSync, readFileSync, readSync, renameSync, writeSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { BYTES_PER_ELEMENT, type DType } from './dtype.js';

const TO_ST: Record<DType, string> = {
  float64: 'F64',
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const FROM_ST: Record<string, DType> = Object.fromEntries(Object.entries(TO_ST).map(([k, v]) => [v, k as DType]));
// The reference's dtype order (ascending); layout sorts descending by it.
const ORDER = ['BOOL', 'U8', 'I8', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'];

export interface SafetensorsEntry {
  dtype: DType;
  shape: number[];
  /** Raw little-endian element bytes. */
  bytes: Uint8Array;
}

export class SafetensorsError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'SafetensorsError';
  }
}

/** Serializes entries (+ optional string metadata) to the safetensors byte layout. */
export function encodeSafetensors(entries: Map<string, SafetensorsEntry>, metadata?: Record<string, string>): Buffer {
  const names = [...entries.keys()].sort((a, b) => {
    const da = ORDER.indexOf(TO_ST[entries.get(a)!.dtype]);
    const db = ORDER.indexOf(TO_ST[entries.get(b)!.dtype]);
    return db - da || (a < b ? -1 : a > b ? 1 : 0);
  });
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const e = entries.get(name)!;
    const expected = e.shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[e.dtype];
    if (e.bytes.byteLength !== expected)
      throw new RangeError(`safetensors: '${name}' has ${e.bytes.byteLength} bytes, shape needs ${expected}`);
    header[name] = { dtype: TO_ST[e.dtype], shape: e.shape, data_offsets: [offset, offset + expected] };
    offset += expected;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const out = Buffer.allocUnsafe(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const b = entries.get(name)!.bytes;
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

/** Parses and validates a safetensors buffer; `file` names it in errors. */
export function decodeSafetensors(
  buf: Uint8Array,
  file = '<buffer>',
): { entries: Map<string, SafetensorsEntry>; metadata: Record<string, string> } {
  if (buf.byteLength < 8) throw new SafetensorsError(file, `too short to be a safetensors file (${buf.byteLength} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(buf.byteLength - 8) || n > 100_000_000n) {
    throw new SafetensorsError(file, `header length ${n} exceeds the file size ${buf.byteLength} (truncated or not a safetensors file)`);
  }
  const headerLen = Number(n);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, headerLen).toString('utf8'));
  } catch (e) {
    throw new SafetensorsError(file, `header is not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new SafetensorsError(file, 'header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = buf.byteLength - dataStart;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const entries = new Map<string, SafetensorsEntry>();
  const spans: [number, number, string][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const info = raw as { dtype?: string; shape?: number[]; data_offsets?: number[] };
    const dtype = FROM_ST[info.dtype ?? ''];
    if (!dtype) throw new SafetensorsError(file, `tensor '${name}' has unsupported dtype ${JSON.stringify(info.dtype)}`);
    if (!Array.isArray(info.shape) || info.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new SafetensorsError(file, `tensor '${name}' has an invalid shape ${JSON.stringify(info.shape)}`);
    }
    const [begin, end] = info.data_offsets ?? [];
    if (!Number.isInteger(begin) || !Number.isInteger(end) || begin! < 0 || end! < begin! || end! > dataLen) {
      throw new SafetensorsError(
        file,
        `tensor '${name}' has data_offsets ${JSON.stringify(info.data_offsets)} outside the ${dataLen}-byte data section`,
      );
    }
    const expected = info.shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[dtype];
    if (end! - begin! !== expected) {
      throw new SafetensorsError(
        file,
        `tensor '${name}' (${info.dtype} [${info.shape.join(', ')}]) needs ${expected} bytes, its offsets span ${end! - begin!}`,
      );
    }
    spans.push([begin!, end!, name]);
    // Copy out so the entry is aligned for any typed-array view of its dtype.
    entries.set(name, { dtype, shape: info.shape, bytes: buf.slice(dataStart + begin!, dataStart + end!) });
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) throw new SafetensorsError(file, `tensors '${spans[i - 1]![2]}' and '${spans[i]![2]}' overlap`);
  }
  return { entries, metadata };
}

/** Writes a file atomically: temporary file in the same folder, fsync, rename. */
export function writeFileAtomic(file: string, data: Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    let written = 0;
    while (written < data.byteLength) written += writeSync(fd, data, written, data.byteLength - written);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
  // Make the rename itself durable.
  try {
    const dfd = openSync(path.dirname(file), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* some filesystems refuse fsync on directories */
  }
}

/** Saves named tensors to `file` (atomically). */
export function saveTensors(file: string, tensors: Map<string, Tensor> | Record<string, Tensor>, metadata?: Record<string, string>): void {
  const map = tensors instanceof Map ? tensors : new Map(Object.entries(tensors));
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, t] of map) entries.set(name, { dtype: t.dtype, shape: t.shape, bytes: new Uint8Array(native.toBuffer(t.handle)) });
  writeFileAtomic(file, encodeSafetensors(entries, metadata));
}

/** Loads every tensor of a safetensors file (on the CPU, or on `device`). */
export function loadTensors(file: string, device = 'cpu'): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new SafetensorsError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { entries, metadata } = decodeSafetensors(buf, file);
  const tensors = new Map<string, Tensor>();
  for (const [name, e] of entries) tensors.set(name, new Tensor(native.fromBuffer(e.bytes, e.shape, e.dtype, device)));
  return { tensors, metadata };
}

/** A safetensors file's metadata only, reading just its header. */
export function readSafetensorsMetadata(file: string): Record<string, string> {
  const fd = openSync(file, 'r');
  try {
    const len = Buffer.alloc(8);
    if (readSync(fd, len, 0, 8, 0) < 8) throw new SafetensorsError(file, 'too short to be a safetensors file');
    const n = len.readBigUInt64LE(0);
    if (n > 100_000_000n) throw new SafetensorsError(file, `header length ${n} is implausible (not a safetensors file)`);
    const header = Buffer.alloc(Number(n));
    if (readSync(fd, header, 0, header.length, 8) < header.length) throw new SafetensorsError(file, 'header is truncated');
    let parsed: { __metadata__?: Record<string, string> };
    try {
      parsed = JSON.parse(header.toString('utf8'));
    } catch (e) {
      throw new SafetensorsError(file, `header is not valid JSON (${(e as Error).message})`);
    }
    return parsed.__metadata__ ?? {};
  } finally {
    closeSync(fd);
  }
}
