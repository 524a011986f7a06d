// The safetensors format: byte-identical to the reference layout, validated on read, written atomically.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import { FIXTURES } from '../helpers.js';

const formatFile = path.join(FIXTURES, 'format.safetensors');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'pfd-st-'));

test('a file written by the reference layout decodes and re-encodes to the same bytes', () => {
  const bytes = readFileSync(formatFile);
  const { entries, metadata } = T.decodeSafetensors(bytes, formatFile);
  assert.deepEqual(metadata, { format: 'pt', note: 'mixed' });
  assert.deepEqual([...entries.keys()].sort(), ['bf', 'bias', 'bytes', 'empty', 'half', 'i32', 'mask', 'scalar', 'steps', 'weight']);
  assert.ok(Buffer.from(T.encodeSafetensors(entries, metadata)).equals(bytes));
});

test('tensors built here save to exactly the bytes the reference writes', () => {
  const dir = tmp();
  T.tidy(() => {
    const tensors = {
      weight: T.div(T.reshape(T.arange(12, undefined, 1, { dtype: 'float32' }), [3, 4]), 7),
      bias: T.tensor([1.5, -2.0], { dtype: 'float64' }),
      steps: T.tensor([3, -1, 7], { dtype: 'int64' }),
      mask: T.tensor([1, 0, 1], { dtype: 'bool' }),
      half: T.tensor([0.5, -1.25], { dtype: 'float16' }),
      bf: T.tensor([2.0, 0.1], { dtype: 'bfloat16' }),
      bytes: T.tensor([0, 255, 7], { dtype: 'uint8' }),
      i32: T.tensor([[1, -2]], { dtype: 'int32' }),
      scalar: T.scalarTensor(3.25),
      empty: T.zeros([0, 3]),
    };
    const file = path.join(dir, 'mine.safetensors');
    T.saveTensors(file, tensors, { format: 'pt', note: 'mixed' });
    assert.ok(readFileSync(file).equals(readFileSync(formatFile)), 'bytes differ from the reference file');
  });
});

test('load returns tensors with their dtypes, shapes and values', () => {
  T.tidy(() => {
    const { tensors } = T.loadTensors(formatFile);
    assert.deepEqual(tensors.get('steps')!.toArray(), [3, -1, 7]);
    assert.equal(tensors.get('steps')!.dtype, 'int64');
    assert.deepEqual(tensors.get('i32')!.shape, [1, 2]);
    assert.deepEqual(tensors.get('mask')!.toArray(), [1, 0, 1]);
    assert.deepEqual(tensors.get('scalar')!.shape, []);
    assert.deepEqual(tensors.get('empty')!.shape, [0, 3]);
    assert.deepEqual(tensors.get('half')!.toArray(), [0.5, -1.25]);
  });
});

function corrupt(fn: (header: Record<string, unknown>) => void): Buffer {
  const bytes = readFileSync(formatFile);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
  fn(header);
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, bytes.subarray(8 + n)]);
}

test('corrupt files give errors that name the file and the problem', () => {
  const bytes = readFileSync(formatFile);
  assert.throws(() => T.decodeSafetensors(bytes.subarray(0, 5), 'f.st'), /f\.st: too short/);
  assert.throws(() => T.decodeSafetensors(bytes.subarray(0, 40), 'f.st'), /f\.st: header length \d+ exceeds the file size/);
  const garbled = Buffer.from(bytes);
  garbled[9] = 0x7b;
  garbled[10] = 0x7b;
  assert.throws(() => T.decodeSafetensors(garbled, 'f.st'), /f\.st: header is not valid JSON/);
  assert.throws(
    () =>
      T.decodeSafetensors(
        corrupt((h) => {
          (h.bias as { dtype: string }).dtype = 'C64';
        }),
        'f.st',
      ),
    /'bias' has unsupported dtype "C64"/,
  );
  assert.throws(
    () =>
      T.decodeSafetensors(
        corrupt((h) => {
          (h.bias as { shape: number[] }).shape = [3];
        }),
        'f.st',
      ),
    /'bias' \(F64 \[3\]\) needs 24 bytes, its offsets span 16/,
  );
  assert.throws(
    () =>
      T.decodeSafetensors(
        corrupt((h) => {
          (h.bias as { data_offsets: number[] }).data_offsets = [0, 99999];
        }),
        'f.st',
      ),
    /outside the/,
  );
  assert.throws(
    () =>
      T.decodeSafetensors(
        corrupt((h) => {
          const w = h.weight as { data_offsets: number[] };
          (h.bias as { data_offsets: number[] }).data_offsets = [w.data_offsets[0]!, w.data_offsets[0]! + 16];
        }),
        'f.st',
      ),
    /overlap/,
  );
  assert.throws(() => T.loadTensors('/nonexistent/x.safetensors'), /\/nonexistent\/x\.safetensors: cannot read: ENOENT/);
});

test('writes are atomic: a failed write leaves the old file and no temporary files', () => {
  const dir = tmp();
  const file = path.join(dir, 'w.safetensors');
  writeFileSync(file, 'old');
  T.writeFileAtomic(file, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readFileSync(file)], [1, 2, 3]);
  assert.deepEqual(readdirSync(dir), ['w.safetensors']);
  assert.throws(() => T.writeFileAtomic(path.join(dir, 'missing-dir', 'x'), new Uint8Array([1])), /ENOENT/);
  assert.equal(existsSync(path.join(dir, 'missing-dir')), false);
  assert.deepEqual(readdirSync(dir), ['w.safetensors']);
});
