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
 * factory sends it straight to the dead-letter queue. It extends BullMQ's UnrecoverableError, the class BullMQ
 * checks to skip the remaining attempts.
 */
export class PermanentError extends UnrecoverableError {
  override name = 'PermanentError';
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

/**
 * The worker gives the job back to its queue untouched (shutdown before the work was done): it waits again at
 * once for any worker, and keeps its attempts.
 */
export class HandBackError extends Error {
  override name = 'HandBackError';
}

export { errorMessage, toError } from './error-message';
