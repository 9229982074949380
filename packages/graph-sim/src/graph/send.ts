import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { GraphResponse } from './types';
import { JSON_CONTENT_TYPE, wireOf } from './wire';

/**
 * Writes an answer piece by piece with backpressure: a page of big messages, a MIME body or a $batch answer is
 * never held whole. A client that goes away mid-answer just ends the write (nothing to report to it any more).
 */
export async function sendResponse(res: Response, r: GraphResponse): Promise<void> {
  res.status(r.status);
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  if (r.raw === undefined && r.body === undefined) {
    res.end();
    return;
  }
  if (r.raw === undefined) res.setHeader('content-type', JSON_CONTENT_TYPE);
  const wire = wireOf(r);
  res.setHeader('content-length', String(wire.size));
  try {
    await pipeline(Readable.from(wire.chunks(), { objectMode: false }), res);
  } catch {
    res.destroy();
  }
}
