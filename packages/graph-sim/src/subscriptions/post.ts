/** POST JSON or text to a subscriber with a deadline; resolves to the status and body, or null on failure/timeout. */
export async function postWithTimeout(
  url: string,
  body: string,
  contentType: string,
  timeoutMs: number,
): Promise<{ status: number; text: string; contentType: string } | null> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body, signal: ac.signal });
    const text = await res.text();
    return { status: res.status, text, contentType: res.headers.get('content-type') ?? '' };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
