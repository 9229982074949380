/** The delta cursor is no longer valid (410 `syncStateNotFound`): the folder must be resynced from scratch. */
export class DeltaExpiredError extends Error {
  override name = 'DeltaExpiredError';
}

/** A Graph answer that is neither success nor throttling nor a server error (kept with its status and code). */
export class GraphRequestError extends Error {
  override name = 'GraphRequestError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
  }
}
