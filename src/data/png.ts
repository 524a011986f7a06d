// A PNG encoder for small RGB images, synchronous: the PNG container (signature,
// IHDR, one IDAT, IEND) around Node's own zlib deflate. A server's 64x64 design
// encodes in about 0.6 ms this way, against about 2.1 ms through sharp, which
// also hops to libuv's thread pool and back for every image (docs/serving.md).
// Rows use filter type 0 (none), as sharp does by default.
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

// zlib.crc32 arrived in Node 20.15; before that, the table-driven CRC-32 of the PNG spec.
let table: Uint32Array | null = null;
const crc32 = (data: Buffer): number => (typeof zlib.crc32 === 'function' ? zlib.crc32(data) : tableCrc32(data));

/** CRC-32 (ISO-HDLC, as PNG uses) computed from the spec's table: the fallback for zlib.crc32. */
export function tableCrc32(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of data) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC of type + data. */
function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** RGB bytes [height, width, 3] (row-major) -> a PNG file (8-bit truecolour). */
export function encodePngRgb(hwc: Uint8Array, width: number, height: number, level = 6): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`encodePngRgb: bad size ${width}x${height}`);
  if (hwc.length !== width * height * 3) throw new Error(`encodePngRgb: expected ${width * height * 3} bytes for ${width}x${height} RGB, got ${hwc.length}`);
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height); // each row: filter byte 0, then its pixels
  const src = Buffer.from(hwc.buffer, hwc.byteOffset, hwc.byteLength);
  for (let y = 0; y < height; y++) src.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour; compression, filter, interlace: 0
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level })), chunk('IEND', Buffer.alloc(0))]);
}
