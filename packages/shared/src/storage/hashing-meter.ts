import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { AttachmentTooLargeError } from './attachment-store';

/** A pass-through for streamed bytes on their way into a store, and what it learned of them. */
export interface HashingMeter {
  stream: Transform;
  /** The SHA-256 (hex) of every byte that passed; call once, after the stream ended. */
  digest(): string;
  /** Bytes that passed so far. */
  size(): number;
}

/**
 * Hashes and counts the bytes as they pass, and fails the stream with AttachmentTooLargeError as soon as more than
 * `maxBytes` have arrived: every driver's `putStream` learns the content address of what it wrote this way.
 */
export function hashingMeter(maxBytes: number): HashingMeter {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new AttachmentTooLargeError(size, maxBytes, true));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex'), size: () => size };
}
