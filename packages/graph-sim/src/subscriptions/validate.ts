import { randomUUID } from 'node:crypto';
import { postWithTimeout } from './post';

/** Graph's validation handshake: POST url?validationToken=... must answer 200 text/plain with the token, within 10 s. */
export async function validateEndpoint(url: string, timeoutMs = 10_000): Promise<boolean> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const target = new URL(url);
  target.searchParams.set('validationToken', token);
  const res = await postWithTimeout(target.toString(), '', 'text/plain; charset=utf-8', timeoutMs);
  return (
    res !== null && res.status === 200 && res.contentType.toLowerCase().startsWith('text/plain') && res.text === token
  );
}
