const WHITESPACE = /\s/;
const WHITESPACE_ALL = /\s+/g;
/** A negated class is scanned several times faster than an anchored positive pattern on big strings. */
const OUTSIDE_ALPHABET = /[^A-Za-z0-9+/=]/;
/** Characters gathered before decoding, so that many small string chunks make few decode calls. */
const GATHER_CHARS = 64 * 1024;

export class InvalidBase64Error extends Error {}

/**
 * Decodes standard base64 text that arrives in pieces of any length (whitespace ignored, padding optional),
 * returning the bytes decoded so far at each step. Anything outside the alphabet, or data after padding, throws.
 */
export class Base64Decoder {
  private pending: string[] = [];
  private pendingChars = 0;
  private carry = '';
  private padded = false;

  push(text: string): Buffer | null {
    this.pending.push(text);
    this.pendingChars += text.length;
    return this.pendingChars >= GATHER_CHARS ? this.drain(false) : null;
  }

  end(): Buffer | null {
    return this.drain(true);
  }

  private drain(final: boolean): Buffer | null {
    let text = this.carry + this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (WHITESPACE.test(text)) text = text.replace(WHITESPACE_ALL, '');
    if (OUTSIDE_ALPHABET.test(text)) throw new InvalidBase64Error('not base64 text');
    if (text.length > 0 && this.padded) throw new InvalidBase64Error('data after base64 padding');
    const pad = text.indexOf('=');
    if (pad >= 0 && (text.length - pad > 2 || !/^=+$/.test(text.slice(pad))))
      throw new InvalidBase64Error('base64 padding before the end');
    const usable = final ? text.length : text.length - (text.length % 4);
    this.carry = text.slice(usable);
    if (usable === 0) return null;
    if (usable % 4 === 1) throw new InvalidBase64Error('truncated base64 text');
    if (pad >= 0 && pad < usable) this.padded = true;
    return Buffer.from(text.slice(0, usable), 'base64');
  }
}
