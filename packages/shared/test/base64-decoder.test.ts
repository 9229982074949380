import { randomBytes } from 'node:crypto';
import { Base64ChunkDecoder, bytesPromised } from '../src/graph/delta/base64-decoder';

/** Feeds `text` in pieces of `pieceLength` characters and joins every chunk the decoder gives back. */
function decodeInPieces(text: string, pieceLength: number, chunkChars: number): Buffer {
  const decoder = new Base64ChunkDecoder(chunkChars);
  const out: Buffer[] = [];
  for (let i = 0; i < text.length; i += pieceLength) {
    const bytes = decoder.push(text.slice(i, i + pieceLength));
    if (bytes !== null) out.push(bytes);
  }
  const last = decoder.end();
  if (last !== null) out.push(last);
  return Buffer.concat(out);
}

describe('Base64ChunkDecoder', () => {
  const lengths = [0, 1, 2, 3, 1000, 1001, 1002, 4099];

  it.each(lengths)('decodes %i bytes sent in pieces of any length', (length) => {
    const bytes = randomBytes(length);
    for (const piece of [1, 7, 64, 333])
      expect(decodeInPieces(bytes.toString('base64'), piece, 100).equals(bytes)).toBe(true);
  });

  it.each(lengths)('decodes %i bytes of MIME-style base64 (line breaks every 76 characters) in pieces', (length) => {
    const bytes = randomBytes(length);
    const wrapped = bytes.toString('base64').replace(/(.{76})/g, '$1\r\n');
    for (const piece of [1, 7, 64, 333]) expect(decodeInPieces(wrapped, piece, 100).equals(bytes)).toBe(true);
  });

  it('decodes base64 with spaces anywhere, and without its padding', () => {
    const bytes = randomBytes(2000);
    const spaced = bytes.toString('base64').replace(/(.{5})/g, '$1 ');
    expect(decodeInPieces(spaced, 50, 64).equals(bytes)).toBe(true);
    const unpadded = randomBytes(1000).toString('base64').replace(/=+$/, '');
    expect(decodeInPieces(unpadded, 9, 64).equals(Buffer.from(unpadded, 'base64'))).toBe(true);
  });

  it('decodes URL-safe base64 alike, with or without line breaks', () => {
    const bytes = randomBytes(3000);
    const urlSafe = bytes.toString('base64url');
    expect(decodeInPieces(urlSafe, 7, 100).equals(bytes)).toBe(true);
    expect(decodeInPieces(urlSafe.replace(/(.{76})/g, '$1\r\n'), 7, 100).equals(bytes)).toBe(true);
  });

  // The fast path: clean base64 is decoded once, because the bytes it gives are the bytes it promises. Text with
  // anything else in it promises more than it gives, which sends it to the second pass.
  it('promises exactly the bytes clean base64 decodes to, and more than text with line breaks gives', () => {
    for (let length = 0; length <= 64; length += 1) {
      const bytes = randomBytes(length);
      for (const text of [bytes.toString('base64'), bytes.toString('base64url')]) {
        expect(bytesPromised(text, text.length)).toBe(length);
        const whole = text.length - (text.length % 4);
        expect(bytesPromised(text, whole)).toBe(Buffer.from(text.slice(0, whole), 'base64').length);
      }
    }
    for (let length = 6; length <= 64; length += 1) {
      // 6 bytes or more are 8 characters or more: every one of these texts has a line break.
      const bytes = randomBytes(length);
      const wrapped = bytes.toString('base64').replace(/(.{8})/g, '$1\r\n');
      expect(bytesPromised(wrapped, wrapped.length)).toBeGreaterThan(length);
    }
  });
});
