import type { Response } from 'express';
import type { GraphResponse } from './types';
import { JSON_CONTENT_TYPE, wireOf } from './wire';

class ClientGone extends Error {}

/** Resolves when the response can take more, rejects when the client has gone away. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (ok: boolean): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (ok) resolve();
      else reject(new ClientGone());
    };
    const onDrain = (): void => settle(true);
    const onClose = (): void => settle(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * Writes an answer piece by piece with backpressure: a page of big messages, a MIME body or a $batch answer is
 * never held whole. `beforeLastByte` runs just before the last piece is handed to the connection (the in-flight
 * slot is released there): a client cannot have the whole answer, and send its next request, before that.
 * A client that goes away mid-answer just ends the write (there is no one left to tell).
 */
export async function sendResponse(res: Response, r: GraphResponse, beforeLastByte: () => void): Promise<void> {
  res.status(r.status);
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  if (r.raw === undefined && r.body === undefined) {
    beforeLastByte();
    res.end();
    return;
  }
  if (r.raw === undefined) res.setHeader('content-type', JSON_CONTENT_TYPE);
  const wire = wireOf(r);
  res.setHeader('content-length', String(wire.size));
  let held: Buffer | null = null;
  try {
    for await (const chunk of wire.chunks()) {
      if (res.destroyed) throw new ClientGone();
      if (held && !res.write(held)) await drained(res);
      held = chunk;
    }
    beforeLastByte();
    res.end(held ?? undefined);
  } catch {
    // The client went away, or a stored attachment could not be read: the client sees the answer cut short.
    res.destroy();
  }
}
