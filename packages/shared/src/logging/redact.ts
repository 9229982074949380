const MASK = '[redacted]';
/** Keys whose values are secrets whatever they hold. */
const SECRET_KEY =
  /^(authorization|password|secret|client_?secret|access_?token|refresh_?token|id_?token|token|api_?token|client_?state|clientstate|cookie)$/i;

/**
 * Returns a copy of `value` with every secret replaced: values under secret-looking keys, and every occurrence of a
 * known secret string (from the configuration) anywhere in strings, including messages and stack traces.
 */
export function redact(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message, secrets),
      stack: value.stack && redactString(value.stack, secrets),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v ? MASK : redact(v, secrets, depth + 1);
  return out;
}

export function redactString(s: string, secrets: readonly string[]): string {
  let out = s;
  for (const secret of secrets) if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(MASK);
  // Bearer tokens that did not come from the configuration (e.g. Graph access tokens).
  return out.replace(/(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1${MASK}`);
}
