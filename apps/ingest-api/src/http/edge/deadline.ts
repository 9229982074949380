import { HttpError } from '@ms1/shared';
import { RETRY_AFTER_SECONDS } from './redis-gate';

/**
 * Bounds one handler: past `ms` the request is answered 503 (Graph and clients try again) while the handler's
 * own Redis commands run out on their command timeout. Its late result or error is dropped.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HttpError(503, `no answer within ${ms} ms; try again later`, {
            headers: { 'Retry-After': RETRY_AFTER_SECONDS },
          }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
