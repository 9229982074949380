/**
 * Bytes that can be sent without being held whole: a known size and a stream of chunks read on demand.
 * Stored attachments, generated MIME and JSON answers with attachments inside are all byte sources, so an
 * answer of any size is written piece by piece and its size (for Content-Length, bytes served and the Graph
 * clock's transfer time) is known before a byte is encoded.
 */
export interface ByteSource {
  readonly size: number;
  chunks(): AsyncIterable<Buffer>;
}

/** Bytes held in memory (small attachments, JSON text). */
export class MemoryBytes implements ByteSource {
  constructor(readonly buffer: Buffer) {}

  get size(): number {
    return this.buffer.length;
  }

  async *chunks(): AsyncIterable<Buffer> {
    if (this.buffer.length > 0) yield this.buffer;
  }
}

export function textBytes(text: string): MemoryBytes {
  return new MemoryBytes(Buffer.from(text, 'utf8'));
}

/** Several sources one after the other. */
export class ConcatBytes implements ByteSource {
  readonly size: number;

  constructor(readonly parts: readonly ByteSource[]) {
    this.size = parts.reduce((n, p) => n + p.size, 0);
  }

  async *chunks(): AsyncIterable<Buffer> {
    for (const p of this.parts) yield* p.chunks();
  }
}

/** Reads a whole source into memory: only for sources known to be small. */
export async function readAll(src: ByteSource): Promise<Buffer> {
  if (src instanceof MemoryBytes) return src.buffer;
  const parts: Buffer[] = [];
  for await (const c of src.chunks()) parts.push(c);
  return Buffer.concat(parts);
}
