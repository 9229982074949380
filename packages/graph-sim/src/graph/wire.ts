import { MemoryBytes, type ByteSource } from '../content/byte-source';
import { jsonBytes } from '../content/json-bytes';
import type { GraphResponse } from './types';

export const JSON_CONTENT_TYPE =
  'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

const EMPTY = new MemoryBytes(Buffer.alloc(0));

/** The bytes of an answer, built once (JSON text with big base64 strings left to be encoded while sending). */
export function wireOf(res: GraphResponse): ByteSource {
  res.wire ??= res.raw ?? (res.body === undefined ? EMPTY : jsonBytes(res.body));
  return res.wire;
}
