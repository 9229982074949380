import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
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

/** Streamed writes land here first (same file system, so the final rename is atomic), named by writer, not content. */
const INCOMING_DIR = '.incoming';

/**
 * Stores each document once under `<dir>/<aa>/<bb>/<sha256>`. Writes go to a temporary file in the same
 * directory tree and are renamed into place, so a reader never sees half a file and concurrent writers of the
 * same bytes (in several processes) end with one complete copy.
 */
export class LocalDirectoryStore implements AttachmentStore {
  constructor(
    private readonly dir: string,
    readonly maxBytes: number,
  ) {}

  async put(bytes: Buffer): Promise<StoredObject> {
    if (bytes.length > this.maxBytes) throw new AttachmentTooLargeError(bytes.length, this.maxBytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathFor(sha256);
    const storageRef = storageRefFor(sha256);
    if (await exists(target)) return { sha256, storageRef, size: bytes.length, existed: true };
    const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      // fsync before the rename: a job may reference the file as soon as put() returns, even across a host crash.
      const fh = await inDirectory(tmp, () => fs.open(tmp, 'wx'));
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await inDirectory(target, () => fs.rename(tmp, target));
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    return { sha256, storageRef, size: bytes.length, existed: false };
  }

  async putStream(source: ByteSource): Promise<StoredObject> {
    const tmp = path.join(this.dir, INCOMING_DIR, `${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
    const meter = hashingMeter(this.maxBytes);
    try {
      const fh = await inDirectory(tmp, () => fs.open(tmp, 'wx'));
      // flush: fsync before close, since a job may reference the file as soon as this returns, even across a host crash.
      await pipeline(source, meter.stream, fh.createWriteStream({ flush: true }));
      const sha256 = meter.digest();
      const size = meter.size();
      const target = this.pathFor(sha256);
      const storageRef = storageRefFor(sha256);
      if (await exists(target)) {
        await fs.rm(tmp, { force: true });
        return { sha256, storageRef, size, existed: true };
      }
      await inDirectory(target, () => fs.rename(tmp, target));
      return { sha256, storageRef, size, existed: false };
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async get(storageRef: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathFor(shaFromRef(storageRef)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new AttachmentNotFoundError(`no stored attachment ${storageRef}`);
      throw err;
    }
  }

  has(storageRef: string): Promise<boolean> {
    return exists(this.pathFor(shaFromRef(storageRef)));
  }

  private pathFor(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `create` (which makes `file`); when the directory of `file` is missing, makes it and runs `create` again.
 * Most writes land in a directory that exists: trying first spares them a mkdir (about 5% of the sync's CPU).
 */
async function inDirectory<T>(file: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await fs.mkdir(path.dirname(file), { recursive: true });
    return create();
  }
}
