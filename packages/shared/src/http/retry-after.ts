/**
 * `Retry-After` (delay-seconds or an HTTP-date, RFC 9110 10.2.3) in milliseconds, never more than `maxMs`, so that
 * a broken or hostile header cannot stall a mailbox or the MS4 sender for days. Null when the header is absent or
 * unreadable: the caller then backs off on its own terms.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  opts: { maxMs: number; now?: number },
): number | null {
  const v = value?.trim() ?? '';
  if (v === '') return null;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(v)) ms = Math.round(Number(v) * 1000);
  else {
    // An HTTP-date always spells its month (`Sun, 06 Nov 1994 08:49:37 GMT`); Date.parse alone would take '-5'.
    const at = /(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/.test(v) ? Date.parse(v) : Number.NaN;
    if (Number.isNaN(at)) return null;
    ms = at - (opts.now ?? Date.now());
  }
  return Math.min(opts.maxMs, Math.max(0, ms));
}
