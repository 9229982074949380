import { RetryableError } from '../errors';
import { AttachmentNotFoundError, AttachmentTooLargeError } from './attachment-store';

/**
 * The object store answered, and refused: wrong credentials, a missing bucket, no permission. Retrying as such does
 * not help, but an operator's fix does, so jobs keep their normal attempts and land in dead-letter for a replay.
 */
export class AttachmentStoreRefusedError extends Error {
  override name = 'AttachmentStoreRefusedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound']);
const RETRYABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'SlowDown',
  'ThrottlingException',
  'InternalError',
  'ServiceUnavailable',
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Maps what the AWS SDK throws to the project's error classes: a missing object to AttachmentNotFoundError (the
 * processor then fetches from Graph), the network and the server's own failures (no answer, 5xx, 429, timeouts) to
 * RetryableError, a refusal (403, missing bucket, bad request) to AttachmentStoreRefusedError.
 */
export function toStoreError(err: unknown, operation: string, storageRef: string): Error {
  if (
    err instanceof AttachmentNotFoundError ||
    err instanceof AttachmentTooLargeError ||
    err instanceof RetryableError ||
    err instanceof AttachmentStoreRefusedError
  )
    return err;
  const e: SdkErrorShape = typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const what = `S3 ${operation} ${storageRef}`;
  const detail = `${name}${e.code && e.code !== name ? ` ${e.code}` : ''}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
  if (NOT_FOUND.has(name) || (status === 404 && name !== 'NoSuchBucket'))
    return new AttachmentNotFoundError(`no stored attachment ${storageRef}`);
  if (status === undefined || status >= 500 || status === 429 || status === 408 || RETRYABLE_NAMES.has(name))
    return new RetryableError(`${what} failed: ${detail}`, { cause: err });
  return new AttachmentStoreRefusedError(`${what} refused: ${detail}`, { cause: err });
}
