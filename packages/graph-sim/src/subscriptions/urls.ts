const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Graph requires https notification URLs; graph-sim also admits http on loopback hosts. */
export function notificationUrlError(raw: unknown, field: string): string | null {
  if (typeof raw !== 'string' || raw === '') return `${field} is required.`;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return `${field} is not a valid URL.`;
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return null;
  return `Subscription ${field} must use https ('${raw}').`;
}
