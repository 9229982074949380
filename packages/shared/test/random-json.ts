import { createRng } from '@ms1/graph-sim';

/** A seeded pseudo-random source (graph-sim's mulberry32), so that a failing document can be reproduced from its seed. */
export const seededRandom = createRng;

type Random = () => number;
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const int = (r: Random, n: number): number => Math.floor(r() * n);

// Characters a string is made of: plain text, characters JSON must escape, multibyte UTF-8 and an astral emoji.
const CHARS = [
  'a',
  'Z',
  '0',
  ' ',
  '+',
  '/',
  '"',
  '\\',
  '\n',
  '\t',
  '\r',
  '\b',
  '\f',
  '\u0001',
  '\u001f',
  'é',
  '中',
  '😀',
  '\u2028',
];
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
const WHITESPACE = ['', '', '', ' ', '\n', '\t', '\r\n', '  '];

const hex4 = (r: Random, code: number): string => {
  const h = code.toString(16).padStart(4, '0');
  return r() < 0.5 ? h : h.toUpperCase();
};

/** One character of a JSON string, raw or escaped at random (escaped whenever JSON requires it). */
function stringChar(r: Random, ch: string): string {
  const code = ch.charCodeAt(0);
  const mustEscape = code < 0x20 || ch === '"' || ch === '\\';
  if (!mustEscape && r() < 0.7) return ch;
  const short = SHORT_ESCAPES[ch];
  if (short !== undefined && r() < 0.6) return short;
  // an astral character escapes as its surrogate pair
  return Array.from({ length: ch.length }, (_, i) => `\\u${hex4(r, ch.charCodeAt(i))}`).join('');
}

function jsonString(r: Random): string {
  let out = '"';
  const kind = r();
  if (kind < 0.15) {
    // a long run of base64 text, as an attachment's content
    const n = int(r, 20_000);
    out += Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + n) % 256)).toString('base64');
  } else {
    const n = kind < 0.3 ? 0 : int(r, 40);
    for (let i = 0; i < n; i++) out += stringChar(r, pick(r, CHARS));
  }
  return `${out}"`;
}

function jsonNumber(r: Random): string {
  let out = r() < 0.4 ? '-' : '';
  out += r() < 0.2 ? '0' : String(1 + int(r, 9)) + String(int(r, 10 ** int(r, 12))).replace(/^0+/, '');
  if (r() < 0.4) out += `.${String(int(r, 10 ** (1 + int(r, 8)))).padStart(1, '0')}`;
  if (r() < 0.3) out += `${pick(r, ['e', 'E'])}${pick(r, ['', '+', '-'])}${int(r, 400)}`;
  return out;
}

/** A random JSON value's text, with random whitespace between its tokens. */
export function randomJson(r: Random, depth = 0): string {
  const ws = (): string => pick(r, WHITESPACE);
  const kind = depth >= 5 ? 2 + int(r, 5) : int(r, 7);
  switch (kind) {
    case 0: {
      const n = int(r, 6);
      const members = Array.from(
        { length: n },
        () => `${ws()}${jsonString(r)}${ws()}:${ws()}${randomJson(r, depth + 1)}${ws()}`,
      );
      return `{${members.join(',')}${n === 0 ? ws() : ''}}`;
    }
    case 1: {
      const n = int(r, 6);
      const items = Array.from({ length: n }, () => `${ws()}${randomJson(r, depth + 1)}${ws()}`);
      return `[${items.join(',')}${n === 0 ? ws() : ''}]`;
    }
    case 2:
    case 3:
      return jsonString(r);
    case 4:
      return jsonNumber(r);
    default:
      return pick(r, ['true', 'false', 'null']);
  }
}

/** Sorted distinct cut positions inside `length` bytes. */
export function randomCuts(r: Random, length: number, count: number): number[] {
  const cuts = new Set<number>();
  for (let i = 0; i < count && length > 1; i++) cuts.add(1 + int(r, length - 1));
  return [...cuts].sort((a, b) => a - b);
}

/** The bytes in pieces, cut at the given positions. */
export function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const c of cuts) {
    pieces.push(bytes.subarray(from, c));
    from = c;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}
