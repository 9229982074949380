// A minimal ZIP writer for tests (stored or deflated members), able to lie in its headers on purpose.
import * as zlib from 'node:zlib';

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  /** Deflate (default) or store. */
  method?: 'deflate' | 'store';
  /** Override the uncompressed size written in the headers (to simulate a lying archive). */
  declaredSize?: number;
  /** Pre-deflated payload (with `uncompressedSize`), to avoid holding a bomb's inflated bytes. */
  rawDeflated?: { bytes: Buffer; uncompressedSize: number; crc32: number };
}

export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.method === 'store' ? 0 : 8;
    const payload = e.rawDeflated?.bytes ?? (method === 8 ? zlib.deflateRawSync(e.data) : e.data);
    const crc = e.rawDeflated?.crc32 ?? zlib.crc32(e.data);
    const size = e.declaredSize ?? e.rawDeflated?.uncompressedSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(payload.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(payload.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, payload);
    centrals.push(central, name);
    offset += local.length + name.length + payload.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

/** Deflated zero bytes (about 1000:1): the payload of a zip bomb. */
export function deflatedZeros(size: number): { bytes: Buffer; uncompressedSize: number; crc32: number } {
  const zeros = Buffer.alloc(size);
  return { bytes: zlib.deflateRawSync(zeros, { level: 9 }), uncompressedSize: size, crc32: zlib.crc32(zeros) };
}
