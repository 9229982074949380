import { mkdtempSync, rmSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ByteSource } from './byte-source';

/** One stretch of the spool file. */
export interface Extent {
  at: number;
  length: number;
}

const READ_CHUNK = 57 * 3 * 1024;

/**
 * Where big attachment bytes live: one append-only file, unlinked as soon as it is open, so that the bytes of
 * every big message cost disk (and page cache), not memory, and vanish with the process whatever way it ends.
 * Space is taken by reservation (synchronous), so writers that run at the same time never overlap.
 * Space is not reclaimed before the spool is retired (reset or stop): graph-sim is a simulator.
 */
export class Spool {
  private end = 0;
  private readers = 0;
  private retired = false;

  private constructor(private readonly file: FileHandle) {}

  static async open(dir = tmpdir()): Promise<Spool> {
    const folder = mkdtempSync(join(dir, 'graph-sim-spool-'));
    const path = join(folder, 'blobs');
    const file = await open(path, 'w+');
    rmSync(folder, { recursive: true, force: true });
    return new Spool(file);
  }

  /** Bytes written so far (for stats). */
  get bytes(): number {
    return this.end;
  }

  async write(data: Buffer): Promise<Extent> {
    const at = this.reserve(data.length);
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.file.write(data, done, data.length - done, at + done);
      done += bytesWritten;
    }
    return { at, length: data.length };
  }

  writeSync(data: Buffer): Extent {
    const at = this.reserve(data.length);
    let done = 0;
    while (done < data.length) done += writeSync(this.file.fd, data, done, data.length - done, at + done);
    return { at, length: data.length };
  }

  async *read(extents: readonly Extent[]): AsyncIterable<Buffer> {
    this.readers++;
    try {
      for (const e of extents) {
        for (let off = 0; off < e.length;) {
          const n = Math.min(READ_CHUNK, e.length - off);
          const buf = Buffer.allocUnsafe(n);
          const { bytesRead } = await this.file.read(buf, 0, n, e.at + off);
          if (bytesRead === 0) throw new Error('graph-sim spool: unexpected end of file');
          off += bytesRead;
          yield bytesRead === n ? buf : buf.subarray(0, bytesRead);
        }
      }
    } finally {
      this.readers--;
      if (this.retired && this.readers === 0) await this.close();
    }
  }

  /** No new writes; the file closes once the last reader is done. Safe to call twice. */
  async retire(): Promise<void> {
    this.retired = true;
    if (this.readers === 0) await this.close();
  }

  private reserve(length: number): number {
    if (this.retired) throw new Error('graph-sim spool: retired');
    const at = this.end;
    this.end += length;
    return at;
  }

  private closing: Promise<void> | null = null;

  private close(): Promise<void> {
    this.closing ??= this.file.close().catch(() => undefined);
    return this.closing;
  }
}

/** Bytes kept in the spool, possibly in several extents (writers may interleave). */
export class SpooledBytes implements ByteSource {
  readonly size: number;

  constructor(
    private readonly spool: Spool,
    private readonly extents: readonly Extent[],
  ) {
    this.size = extents.reduce((n, e) => n + e.length, 0);
  }

  chunks(): AsyncIterable<Buffer> {
    return this.spool.read(this.extents);
  }
}
