import { UnrecoverableError } from 'bullmq';

/** A failure that may succeed later (network, 5xx, timeouts): BullMQ retries it with backoff. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Input that will never succeed (malformed payload, refused document): BullMQ does not retry it and the worker
 * factory sends it straight to the dead-letter queue. Subclasses BullMQ's own class, which BullMQ recognises.
 */
export class PermanentError extends UnrecoverableError {
  override name = 'UnrecoverableError';
  constructor(message: string) {
    super(message);
  }
}

/** The remote service asked us to wait (429 Retry-After, shared pause): the job is delayed, not failed. */
export class ThrottledError extends Error {
  override name = 'ThrottledError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

export { UnrecoverableError };

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
