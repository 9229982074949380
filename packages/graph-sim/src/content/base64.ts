import type { ByteSource } from './byte-source';

/** Length of the base64 text of n bytes, optionally wrapped in lines of `lineLength` chars ending in CRLF. */
export function base64Length(n: number, lineLength = 0): number {
  const chars = 4 * Math.ceil(n / 3);
  if (lineLength <= 0 || chars === 0) return chars;
  return chars + 2 * Math.ceil(chars / lineLength);
}

/**
 * The base64 text of a source, encoded chunk by chunk (a remainder of up to 2 bytes carries to the next chunk).
 * With lineLength (MIME: 76) every line, the last one included, ends in CRLF.
 */
export class Base64Bytes implements ByteSource {
  readonly size: number;

  constructor(
    private readonly inner: ByteSource,
    private readonly lineLength = 0,
  ) {
    this.size = base64Length(inner.size, lineLength);
  }

  async *chunks(): AsyncIterable<Buffer> {
    const perLine = (this.lineLength / 4) * 3;
    let carry: Buffer = Buffer.alloc(0);
    for await (const chunk of this.inner.chunks()) {
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const usable = data.length - (data.length % (this.lineLength > 0 ? perLine : 3));
      if (usable > 0) yield this.encode(data.subarray(0, usable));
      carry = Buffer.from(data.subarray(usable));
    }
    if (carry.length > 0) yield this.encode(carry);
  }

  private encode(bytes: Buffer): Buffer {
    const text = bytes.toString('base64');
    if (this.lineLength <= 0) return Buffer.from(text, 'latin1');
    const lines: string[] = [];
    for (let i = 0; i < text.length; i += this.lineLength) lines.push(text.slice(i, i + this.lineLength));
    return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
  }
}
