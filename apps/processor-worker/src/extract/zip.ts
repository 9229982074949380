// Reads the members of a ZIP held in memory (yauzl), bounded against zip bombs: entry count, bytes per
// member and in total, and the inflation ratio are all checked while inflating, not taken from headers.

import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { errorMessage } from '@ms1/shared';
import { type ExtractLimits, ZIP_RATIO_GRACE_BYTES } from './limits';

export interface ZipMember {
  name: string;
  bytes: Buffer;
}

export interface ZipReadResult {
  members: ZipMember[];
  warnings: string[];
  /** Set when reading stopped: the archive is unreadable, or a limit was hit (members read before stay). */
  failure: { outcome: 'unreadable' | 'limit-exceeded' | 'encrypted'; reason: string } | null;
}

/** Members never worth inflating: folders, resource forks, images and other non-documents. */
const SKIP_NAMES = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$)|\/$/i;
const NON_DOCUMENT = /\.(png|jpe?g|gif|bmp|svg|webp|tiff?|ics|txt|html?|docx?|xlsx?|csv|json|p7s|sig)$/i;
const NESTED_ARCHIVE = /\.(zip|jar|7z|rar|gz|tgz|tar)$/i;

class LimitError extends Error {}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, validateEntrySizes: true, decodeStrings: true, strictFileNames: false },
      (err, zip) => {
        if (err || !zip) reject(err ?? new Error('no archive'));
        else resolve(zip);
      },
    );
  });
}

function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) reject(err ?? new Error('no stream'));
      else resolve(stream);
    });
  });
}

/** Inflates one member, counting bytes as they come and stopping at the first limit crossed. */
async function inflate(
  stream: Readable,
  entry: yauzl.Entry,
  perMember: number,
  totalLeft: number,
  maxRatio: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const compressed = Math.max(entry.compressedSize, 1);
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buf.length;
      if (size > perMember) throw new LimitError(`member ${entry.fileName} inflates past ${perMember} bytes`);
      if (size > totalLeft)
        throw new LimitError(`archive inflates past its total limit while reading ${entry.fileName}`);
      if (size > ZIP_RATIO_GRACE_BYTES && size / compressed > maxRatio) {
        throw new LimitError(`member ${entry.fileName} inflates more than ${maxRatio}:1 (probable zip bomb)`);
      }
      chunks.push(buf);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, size);
}

export async function readZip(bytes: Buffer, limits: ExtractLimits): Promise<ZipReadResult> {
  const result: ZipReadResult = { members: [], warnings: [], failure: null };
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(bytes);
  } catch (err) {
    result.failure = { outcome: 'unreadable', reason: `corrupt ZIP archive: ${errorMessage(err)}` };
    return result;
  }
  // An 'error' emitted while no entry is awaited must not become an uncaught exception.
  const state: { error: Error | null } = { error: null };
  zip.on('error', (err: Error) => {
    state.error = err;
  });
  try {
    if (zip.entryCount > limits.maxZipEntries) {
      result.failure = {
        outcome: 'limit-exceeded',
        reason: `ZIP lists ${zip.entryCount} entries, more than the limit of ${limits.maxZipEntries}`,
      };
      return result;
    }
    let total = 0;
    let skipped = 0;
    let encrypted = 0;
    for (let entry = await nextEntry(zip, state); entry !== null; entry = await nextEntry(zip, state)) {
      const name = entry.fileName;
      if (SKIP_NAMES.test(name) || NON_DOCUMENT.test(name)) {
        skipped += 1;
        continue;
      }
      if (NESTED_ARCHIVE.test(name)) {
        result.warnings.push(`nested archive ${name} not followed`);
        continue;
      }
      if (entry.isEncrypted()) {
        encrypted += 1;
        result.warnings.push(`member ${name} is encrypted and was skipped`);
        continue;
      }
      // Cheap early refusal on declared sizes; the real check happens while inflating.
      if (entry.uncompressedSize > limits.maxAttachmentBytes) {
        result.warnings.push(
          `member ${name} declares ${entry.uncompressedSize} bytes, over the ${limits.maxAttachmentBytes}-byte limit; skipped`,
        );
        continue;
      }
      try {
        const stream = await openStream(zip, entry);
        const data = await inflate(
          stream,
          entry,
          limits.maxAttachmentBytes,
          limits.maxZipTotalBytes - total,
          limits.maxZipRatio,
        );
        total += data.length;
        result.members.push({ name, bytes: data });
      } catch (err) {
        if (err instanceof LimitError) {
          result.failure = { outcome: 'limit-exceeded', reason: err.message };
          return result;
        }
        if (/too many bytes in the stream/i.test(errorMessage(err))) {
          // yauzl's validateEntrySizes: the member inflates past the size its headers declare.
          result.failure = {
            outcome: 'limit-exceeded',
            reason: `member ${name} inflates past its declared ${entry.uncompressedSize} bytes (lying header, probable zip bomb)`,
          };
          return result;
        }
        result.warnings.push(`member ${name} unreadable: ${errorMessage(err)}`);
      }
    }
    if (skipped > 0) result.warnings.push(`${skipped} folder or non-document member(s) skipped`);
    if (encrypted > 0 && result.members.length === 0) {
      result.failure = { outcome: 'encrypted', reason: `all ${encrypted} document member(s) of the ZIP are encrypted` };
    }
    return result;
  } catch (err) {
    result.failure = { outcome: 'unreadable', reason: `corrupt ZIP archive: ${errorMessage(err)}` };
    return result;
  } finally {
    try {
      zip.close();
    } catch {
      // already closed
    }
  }
}

/** Next entry of a lazily read archive, or null at its end. */
function nextEntry(zip: yauzl.ZipFile, state: { error: Error | null }): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    if (state.error !== null) {
      reject(state.error);
      return;
    }
    const cleanup = (): void => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
    };
    const onEntry = (entry: yauzl.Entry): void => {
      cleanup();
      resolve(entry);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    zip.once('entry', onEntry);
    zip.once('end', onEnd);
    zip.once('error', onError);
    zip.readEntry();
  });
}
