import { randomBytes } from 'node:crypto';
import { Base64Bytes } from './base64';
import { ConcatBytes, MemoryBytes, textBytes, type ByteSource } from './byte-source';

/** Sources up to this size are inlined as plain base64 strings: cheaper than a separate piece. */
const INLINE_LIMIT = 64 * 1024;
const MARK = `graph-sim-bytes:${randomBytes(16).toString('hex')}:`;
const MARKED = new RegExp(`"${MARK}(\\d+)"`, 'g');

let collecting: ByteSource[] | null = null;

/**
 * A base64 string in a JSON answer (an attachment's contentBytes, a raw body inside $batch) whose bytes are
 * encoded only while the answer is written. JSON.stringify sees a unique placeholder; jsonBytes splits the text
 * there and streams the base64 in its place.
 */
export class Base64Value {
  constructor(readonly source: ByteSource) {}

  toJSON(): string {
    if (this.source instanceof MemoryBytes && this.source.size <= INLINE_LIMIT)
      return this.source.buffer.toString('base64');
    if (!collecting) throw new Error('Base64Value of a big source outside jsonBytes()');
    collecting.push(this.source);
    return `${MARK}${collecting.length - 1}`;
  }
}

/** A JSON value as bytes: the text without the big base64 strings, which are encoded chunk by chunk when read. */
export function jsonBytes(value: unknown): ByteSource {
  const outer = collecting;
  const sources: ByteSource[] = [];
  collecting = sources;
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'null';
  } finally {
    collecting = outer;
  }
  if (sources.length === 0) return textBytes(text);
  const parts: ByteSource[] = [];
  let last = 0;
  for (const m of text.matchAll(MARKED)) {
    parts.push(textBytes(`${text.slice(last, m.index)}"`), new Base64Bytes(sources[Number(m[1])]), textBytes('"'));
    last = m.index + m[0].length;
  }
  parts.push(textBytes(text.slice(last)));
  return new ConcatBytes(parts);
}
