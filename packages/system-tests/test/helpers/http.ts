// HTTP from the test to the apps and simulators. Every request has its own time limit, so a server that hangs
// fails one poll (which is then tried again), never the whole test by its timeout.

const REQUEST_TIMEOUT_MS = 10_000;

export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

/** The JSON answer of a request that must succeed (2xx), else an error naming the URL, the status and the body. */
export async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await request(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

export function jsonBody(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** The status of GET `url`, or 0 when nothing answered (refused, reset, or over the time limit). */
export async function statusOf(url: string): Promise<number> {
  try {
    const res = await request(url);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
