export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref?.();
  });
}

/** ISO-8601 without milliseconds, as Graph writes message dates. */
export function graphDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
