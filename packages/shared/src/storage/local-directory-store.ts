import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  existsSync,
  fstatSync,
  fsync,
  mkdirSync,
  open,
  openSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import {
  AttachmentNotFoundError,
  AttachmentTooLargeError,
  shaFromRef,
  storageRefFor,
  type AttachmentStore,
  type ByteSource,
  type StoredObject,
} from './attachment-store';
import { hashingMeter } from './hashing-meter';

const openFile = promisify(open);
const fsyncFile = promisify(fsync);

/** Streamed writes land here first (same file system, so the final rename is atomic), named by writer, not content. */
const INCOMING_DIR = '.incoming';

/**
 * Stores each document once under `<dir>/<aa>/<sha256>`. Writes go to a temporary file in the same
 * directory tree and are renamed into place, so a reader never sees half a file and concurrent writers of the
 * same bytes (in several processes) end with one complete copy.
 *
 * 256 directories, not the 65,536 of `<aa>/<bb>/` (the first layout): with those, almost every file of a sync landed
 * in a directory not made yet, and a mkdir costs as much system time as the file's own creation on this project's
 * machine. Files stored under the first layout are still found, read and counted as existing.
 */
export class LocalDirectoryStore implements AttachmentStore {
  /** Directories this store made or found (at most the 256 of the layout, plus the incoming one). */
  private readonly madeDirs = new Set<string>();

  constructor(
    private readonly dir: string,
    readonly maxBytes: number,
  ) {}

  async put(bytes: Buffer): Promise<StoredObject> {
    if (bytes.length > this.maxBytes) throw new AttachmentTooLargeError(bytes.length, this.maxBytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathFor(sha256);
    const storageRef = storageRefFor(sha256);
    if (this.isStored(sha256)) return { sha256, storageRef, size: bytes.length, existed: true };
    const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      if (bytes.length <= SYNC_IO_MAX_BYTES) await this.writeSmall(tmp, target, bytes);
      else await this.writeBig(tmp, target, bytes);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    return { sha256, storageRef, size: bytes.length, existed: false };
  }

  /**
   * Everything but the fsync is done directly (each a few microseconds on a local disk); the fsync, which waits for
   * the disk, goes through the thread pool. fsync before the rename: a job may reference the file as soon as put()
   * returns, even across a host crash.
   */
  private async writeSmall(tmp: string, target: string, bytes: Buffer): Promise<void> {
    const fd = await this.inDirectory(tmp, () => openSync(tmp, 'wx'));
    try {
      for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
      await fsyncFile(fd);
    } finally {
      closeSync(fd);
    }
    await this.inDirectory(target, () => renameSync(tmp, target));
  }

  private async writeBig(tmp: string, target: string, bytes: Buffer): Promise<void> {
    const fh = await this.inDirectory(tmp, () => fs.open(tmp, 'wx'));
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.inDirectory(target, () => fs.rename(tmp, target));
  }

  async putStream(source: ByteSource): Promise<StoredObject> {
    const tmp = path.join(this.dir, INCOMING_DIR, `${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
    const meter = hashingMeter(this.maxBytes);
    try {
      // A file descriptor, not a FileHandle: a stream over a FileHandle ends twice (its close creates an error).
      const fd = await this.inDirectory(tmp, () => openFile(tmp, 'wx'));
      // flush: fsync before close, since a job may reference the file as soon as this returns, even across a host crash.
      await pipeline(source, meter.stream, createWriteStream(tmp, { fd, flush: true }));
      const sha256 = meter.digest();
      const size = meter.size();
      const target = this.pathFor(sha256);
      const storageRef = storageRefFor(sha256);
      if (this.isStored(sha256)) {
        await fs.rm(tmp, { force: true });
        return { sha256, storageRef, size, existed: true };
      }
      await this.inDirectory(target, () => fs.rename(tmp, target));
      return { sha256, storageRef, size, existed: false };
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async get(storageRef: string): Promise<Buffer> {
    const sha256 = shaFromRef(storageRef);
    try {
      return await readFile(this.pathFor(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    try {
      return await readFile(legacyPathFor(this.dir, sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new AttachmentNotFoundError(`no stored attachment ${storageRef}`);
      throw err;
    }
  }

  has(storageRef: string): Promise<boolean> {
    return Promise.resolve(this.isStored(shaFromRef(storageRef)));
  }

  /** Whether the object is stored, under this layout or the first one. */
  private isStored(sha256: string): boolean {
    return existsSync(this.pathFor(sha256)) || existsSync(legacyPathFor(this.dir, sha256));
  }

  /**
   * Runs `create` (which makes `file`) once the directory of `file` exists: made the first time this store writes
   * there, then known, so a write costs no mkdir (a recursive mkdir per write was 5% of the sync's CPU). A directory
   * removed meanwhile fails `create` with ENOENT: it is made again and `create` runs once more.
   */
  private async inDirectory<T>(file: string, create: () => T | Promise<T>): Promise<T> {
    const dir = path.dirname(file);
    if (!this.madeDirs.has(dir)) this.makeDir(dir);
    try {
      return await create();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.makeDir(dir);
      return create();
    }
  }

  /** Made with a direct call (a few microseconds on a local disk), once per directory of the layout. */
  private makeDir(dir: string): void {
    mkdirSync(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  private pathFor(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }
}

/** Where the first layout (`<aa>/<bb>/<sha256>`) stored an object: read, never written. */
function legacyPathFor(dir: string, sha256: string): string {
  return path.join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/** A small file read with direct calls, a bigger one through the thread pool. */
async function readFile(file: string): Promise<Buffer> {
  return readSmallFileSync(file, SYNC_IO_MAX_BYTES) ?? (await fs.readFile(file));
}

/**
 * Content up to this size is written and read with direct calls, the fsync excepted. On this project's machine, a
 * small file's read through libuv's thread pool (open, fstat, read, close: each a trip) cost 170 to 200 µs of CPU, the
 * same calls made directly 15 to 25 µs, for which they block the event loop on a local disk. A network file system
 * would make each call slow: this store is for a local disk or a volume of the same host (the S3 driver for the rest).
 */
const SYNC_IO_MAX_BYTES = 256 * 1024;

/** The whole file when it is at most `maxBytes` long, else null (the caller reads it through the thread pool). */
function readSmallFileSync(file: string, maxBytes: number): Buffer | null {
  const fd = openSync(file, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > maxBytes) return null;
    const bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const n = readSync(fd, bytes, offset, size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return offset === size ? bytes : bytes.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
}
