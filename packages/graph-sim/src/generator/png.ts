import { deflateSync } from 'node:zlib';
import { crc32 } from './crc32';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const cache = new Map<number, Buffer>();

/** A small banner-style RGB PNG (a logo for signatures and newsletters), one per colour, built once. */
export function logoPng(rgb: number, width = 96, height = 24): Buffer {
  const key = rgb * 1_000_000 + width * 1000 + height;
  const hit = cache.get(key);
  if (hit) return hit;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const on = (x + y) % 12 < 6 || y < 3 || y >= height - 3;
      const shade = on ? 1 : 0.35;
      raw[row + 1 + x * 3] = Math.round(((rgb >> 16) & 0xff) * shade);
      raw[row + 2 + x * 3] = Math.round(((rgb >> 8) & 0xff) * shade);
      raw[row + 3 + x * 3] = Math.round((rgb & 0xff) * shade);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  cache.set(key, png);
  return png;
}
