// The synchronous PNG encoder: what it writes decodes (sharp, libspng) to exactly
// the pixels given, at any size; bad input is refused with the size named; the
// CRC fallback equals zlib's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { encodePngRgb, tableCrc32 } from '../../src/data/png.js';
import { Rng } from '../../src/data/rng.js';

test('encodePngRgb: decodes to the same pixels (1x1, 3x5, 64x64, 17x9), at every compression level', async () => {
  const rng = new Rng(3, 'png');
  for (const [w, h] of [[1, 1], [3, 5], [64, 64], [17, 9]] as const) {
    const hwc = Uint8Array.from({ length: w * h * 3 }, () => rng.int(256));
    for (const level of [0, 1, 6, 9]) {
      const png = encodePngRgb(hwc, w, h, level);
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([info.width, info.height, info.channels], [w, h, 3]);
      assert.ok(Buffer.from(hwc).equals(data), `${w}x${h} level ${level}: pixels differ`);
    }
  }
});

test('encodePngRgb refuses a wrong byte count or size, naming it', () => {
  assert.throws(() => encodePngRgb(new Uint8Array(10), 2, 2), /expected 12 bytes for 2x2 RGB, got 10/);
  assert.throws(() => encodePngRgb(new Uint8Array(0), 0, 4), /bad size 0x4/);
});

test('the table CRC-32 (for Node versions without zlib.crc32) equals zlib\'s', { skip: typeof zlib.crc32 !== 'function' && 'no zlib.crc32 to compare with' }, () => {
  const rng = new Rng(5, 'crc');
  for (const n of [0, 1, 13, 4096]) {
    const b = Buffer.from(Array.from({ length: n }, () => rng.int(256)));
    assert.equal(tableCrc32(b), zlib.crc32(b), `${n} bytes`);
  }
  assert.equal(tableCrc32(Buffer.from('IEND', 'latin1')), 0xae426082); // every PNG's last CRC
});
