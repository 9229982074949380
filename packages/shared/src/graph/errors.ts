import { PermanentError } from '../errors';

/** The delta cursor is no longer valid (410 `syncStateNotFound`): the folder must be resynced from scratch. */
export class DeltaExpiredError extends Error {
  override name = 'DeltaExpiredError';
}

/**
 * A Graph answer that is neither success nor throttling nor a server error (404 for a deleted message, 400, 403):
 * asking again will not change it, so it is permanent (straight to dead-letter when it escapes a job).
 */
export class GraphRequestError extends PermanentError {
  override name = 'GraphRequestError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
  }
}
