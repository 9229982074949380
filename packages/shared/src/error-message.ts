/** The message of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Anything thrown, as an Error (stream callbacks take only Errors). */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
