const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const NOT_BASE64_ALL = /[^A-Za-z0-9+/=]/g;

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
    let text = this.pending.join('');
    // Line breaks or spaces (MIME-style base64) would shift the 4-character groups: drop them first.
    if (NOT_BASE64.test(text)) text = text.replace(NOT_BASE64_ALL, '');
    const usable = final ? text.length : text.length - (text.length % 4);
    const rest = text.slice(usable);
    this.pending = rest ? [rest] : [];
    this.pendingChars = rest.length;
    return usable > 0 ? Buffer.from(text.slice(0, usable), 'base64') : null;
  }
}
