// Reads the members of a ZIP held in memory (yauzl) one at a time, each handed to a visitor before the next is
// inflated, bounded against zip bombs: the entry count, then each member's declared size against the per-document
// limit and what is left of the e-mail's budget before inflating, then bytes and ratio again while inflating
// (headers are not trusted). Inflated bytes are charged to the e-mail's budget.

import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import type { EmailBudget } from './email-budget';
import { type ExtractLimits, ZIP_RATIO_GRACE_BYTES } from './limits';
import { errorMessage } from '@ms1/shared';

export interface ZipMember {
  name: string;
  bytes: Buffer;
}

export interface ZipReadResult {
  /** Members inflated and visited. */
  visited: number;
  warnings: string[];
  /** Set when reading stopped: the archive is unreadable, or a limit was hit (members read before stay). */
  failure: { outcome: 'unreadable' | 'limit-exceeded' | 'encrypted'; reason: string } | null;
}

/** Members never worth inflating: folders, resource forks, images and other non-documents. */
const SKIP_NAMES = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$)|\/$/i;
const NON_DOCUMENT = /\.(png|jpe?g|gif|bmp|svg|webp|tiff?|ics|txt|html?|docx?|xlsx?|csv|json|p7s|sig)$/i;
const NESTED_ARCHIVE = /\.(zip|jar|7z|rar|gz|tgz|tar)$/i;

class LimitError extends Error {}
/** A member inflating past the size its headers declare. */
class LyingHeaderError extends Error {}

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

/**
 * Inflates one member into a buffer of its declared size (chunk by chunk, so no big copy holds the event loop),
 * counting bytes as they come and stopping at the first limit crossed.
 */
async function inflate(
  stream: Readable,
  entry: yauzl.Entry,
  limits: ExtractLimits,
  budget: EmailBudget,
): Promise<Buffer> {
  const out = Buffer.allocUnsafe(entry.uncompressedSize);
  let size = 0;
  const compressed = Math.max(entry.compressedSize, 1);
  const budgetLeft = budget.bytesLeft;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      if (size + buf.length > out.length) throw new LyingHeaderError();
      buf.copy(out, size);
      size += buf.length;
      if (size > limits.maxAttachmentBytes) {
        throw new LimitError(`member ${entry.fileName} inflates past ${limits.maxAttachmentBytes} bytes`);
      }
      if (size > budgetLeft) {
        throw new LimitError(
          `the e-mail's budget of ${budget.size.bytes} bytes ran out while inflating member ${entry.fileName}`,
        );
      }
      if (size > ZIP_RATIO_GRACE_BYTES && size / compressed > limits.maxZipRatio) {
        throw new LimitError(`member ${entry.fileName} inflates more than ${limits.maxZipRatio}:1 (probable zip bomb)`);
      }
    }
  } finally {
    stream.destroy();
    budget.spendBytes(size);
  }
  return size === out.length ? out : out.subarray(0, size);
}

/**
 * Visits the archive's document members one by one (`visit` never throws; the next member is inflated only after
 * it returns). Reading stops at the first broken limit, or when the e-mail's reading time is spent.
 */
export async function readZip(
  bytes: Buffer,
  limits: ExtractLimits,
  budget: EmailBudget,
  visit: (member: ZipMember) => Promise<void>,
): Promise<ZipReadResult> {
  const result: ZipReadResult = { visited: 0, warnings: [], failure: null };
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
    let seen = 0;
    let skipped = 0;
    let encrypted = 0;
    let overBudget = 0;
    for (let entry = await nextEntry(zip, state); entry !== null; entry = await nextEntry(zip, state)) {
      seen += 1;
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
      if (budget.timeLeftMs <= 0) {
        const left = zip.entryCount - seen + 1;
        result.failure = { outcome: 'limit-exceeded', reason: `${left} ZIP entries ${budget.timeSpentReason()}` };
        return result;
      }
      // Cheap early refusal on declared sizes; the real checks happen while inflating.
      if (entry.uncompressedSize > limits.maxAttachmentBytes) {
        result.warnings.push(
          `member ${name} declares ${entry.uncompressedSize} bytes, over the ${limits.maxAttachmentBytes}-byte limit; skipped`,
        );
        continue;
      }
      if (entry.uncompressedSize > budget.bytesLeft) {
        overBudget += 1;
        continue;
      }
      let data: Buffer;
      try {
        data = await inflate(await openStream(zip, entry), entry, limits, budget);
      } catch (err) {
        if (err instanceof LimitError) {
          result.failure = { outcome: 'limit-exceeded', reason: err.message };
          return result;
        }
        if (err instanceof LyingHeaderError || /too many bytes in the stream/i.test(errorMessage(err))) {
          // yauzl's validateEntrySizes: the member inflates past the size its headers declare.
          result.failure = {
            outcome: 'limit-exceeded',
            reason: `member ${name} inflates past its declared ${entry.uncompressedSize} bytes (lying header, probable zip bomb)`,
          };
          return result;
        }
        result.warnings.push(`member ${name} unreadable: ${errorMessage(err)}`);
        continue;
      }
      result.visited += 1;
      await visit({ name, bytes: data });
    }
    if (skipped > 0) result.warnings.push(`${skipped} folder or non-document member(s) skipped`);
    if (overBudget > 0) {
      result.warnings.push(
        `${overBudget} member(s) not read: their declared sizes exceed what is left of the e-mail's budget of ${budget.size.bytes} bytes`,
      );
    }
    if (encrypted > 0 && result.visited === 0) {
      result.failure = { outcome: 'encrypted', reason: `all ${encrypted} document member(s) of the ZIP are encrypted` };
    } else if (overBudget > 0 && result.visited === 0) {
      result.failure = {
        outcome: 'limit-exceeded',
        reason: `no member read: the ZIP's members exceed what is left of the e-mail's budget of ${budget.size.bytes} bytes`,
      };
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
