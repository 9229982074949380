// Node's 'base64' also decodes the URL-safe alphabet ('-', '_'): kept, as the decoder itself keeps them.
const NOT_BASE64_ALL = /[^A-Za-z0-9+/=_-]/g;

/**
 * Decodes base64 text that arrives in pieces of any length (a JSON parser's string chunks) into byte chunks of about
 * `chunkChars * 3 / 4` bytes. Only whole 4-character groups are decoded; the rest waits for the next piece, so
 * memory stays at one chunk whatever the total.
 */
export class Base64ChunkDecoder {
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(private readonly chunkChars = 64 * 1024) {}

  /** Adds text; returns decoded bytes once a chunk's worth is pending, else null. */
  push(text: string): Buffer | null {
    this.pending.push(text);
    this.pendingChars += text.length;
    return this.pendingChars >= this.chunkChars ? this.take(false) : null;
  }

  /** Decodes whatever is left (the end of the string). */
  end(): Buffer | null {
    return this.take(true);
  }

  private take(final: boolean): Buffer | null {
    const text = this.pending.join('');
    const usable = final ? text.length : text.length - (text.length % 4);
    // Node's decoder skips characters that are not base64. Line breaks or spaces (MIME-style base64) would shift the
    // 4-character groups, so fewer bytes than the characters promise means: strip them, then cut again (MIME-style
    // text is decoded twice). Checking the answer's length is free; scanning every chunk first was not.
    const bytes = Buffer.from(text.slice(0, usable), 'base64');
    if (bytes.length === bytesPromised(text, usable)) return this.keep(text.slice(usable), bytes);
    const clean = text.replace(NOT_BASE64_ALL, '');
    const cleanUsable = final ? clean.length : clean.length - (clean.length % 4);
    return this.keep(clean.slice(cleanUsable), Buffer.from(clean.slice(0, cleanUsable), 'base64'));
  }

  private keep(rest: string, bytes: Buffer): Buffer | null {
    this.pending = rest ? [rest] : [];
    this.pendingChars = rest.length;
    return bytes.length > 0 ? bytes : null;
  }
}

/**
 * The bytes that the first `length` characters of clean base64 decode to: 3 per 4 characters, less the padding.
 * Exported for its test: when it is wrong, every chunk takes the slow path and the output stays right.
 */
export function bytesPromised(text: string, length: number): number {
  let padding = 0;
  if (length > 0 && text[length - 1] === '=') padding += 1;
  if (length > 1 && text[length - 2] === '=') padding += 1;
  return Math.floor((length * 3) / 4) - padding;
}
