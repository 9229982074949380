import { StringDecoder } from 'node:string_decoder';
import { NUMBER_BROKEN, NUMBER_ENDED, NUMBER_START, isDigit, nextNumberPart, numberMayEnd } from './json-number';

/**
 * A token of a JSON document with every value streamed: keys and strings as startKey/startString, stringChunks,
 * endKey/endString; numbers as startNumber, numberChunks (their text), endNumber. The vocabulary is stream-json's
 * with `packValues: false, streamValues: true`, which the page assembler was written against.
 */
export interface JsonToken {
  name: string;
  value?: unknown;
}

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

const START_OBJECT: JsonToken = { name: 'startObject' };
const END_OBJECT: JsonToken = { name: 'endObject' };
const START_ARRAY: JsonToken = { name: 'startArray' };
const END_ARRAY: JsonToken = { name: 'endArray' };
const START_KEY: JsonToken = { name: 'startKey' };
const END_KEY: JsonToken = { name: 'endKey' };
const START_STRING: JsonToken = { name: 'startString' };
const END_STRING: JsonToken = { name: 'endString' };
const START_NUMBER: JsonToken = { name: 'startNumber' };
const END_NUMBER: JsonToken = { name: 'endNumber' };
const LITERALS: Record<string, JsonToken> = {
  true: { name: 'trueValue', value: true },
  false: { name: 'falseValue', value: false },
  null: { name: 'nullValue', value: null },
};
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

// What the next character may be.
const VALUE = 0;
const FIRST_VALUE = 1; // just after '[': a value or ']'
const FIRST_KEY = 2; // just after '{': a key or '}'
const KEY = 3;
const COLON = 4;
const AFTER_VALUE = 5; // ',' or the container's end
const DONE = 6; // the root value is complete: only whitespace may follow
const STRING = 7;
const ESCAPE = 8;
const UNICODE = 9;
const LITERAL = 10;
const NUMBER = 11;

// A run of string text up to the next quote, backslash or control character (which JSON forbids raw in a string,
// hence the control characters in the class). A regex scans a long run several times faster than a charCodeAt loop.
// eslint-disable-next-line no-control-regex
const STRING_RUN = /[^\x00-\x1f"\\]+/y;
/**
 * The regex is run over at most this many characters at a time: on a match millions of characters long (a whole
 * attachment's base64 in one input chunk) V8 threw "Maximum call stack size exceeded" from RegExp.test.
 */
const RUN_WINDOW = 65_536;

/** Where the run of plain string text that starts at `from` ends, found one window at a time. */
function runEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    if (text.length - i <= RUN_WINDOW) {
      STRING_RUN.lastIndex = i;
      return STRING_RUN.test(text) ? STRING_RUN.lastIndex : i;
    }
    const window = text.slice(i, i + RUN_WINDOW);
    STRING_RUN.lastIndex = 0;
    const run = STRING_RUN.test(window) ? STRING_RUN.lastIndex : 0;
    i += run;
    if (run < RUN_WINDOW) return i;
  }
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;
const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/**
 * A streaming JSON tokenizer: `write` takes the document's bytes a chunk at a time and returns the tokens that chunk
 * completes, synchronously. A string's text comes as one stringChunk per input chunk (escapes decoded), so what is
 * held stays bounded by the input chunk whatever the string's length. `end` checks that the document was whole.
 * Malformed input throws a JsonSyntaxError naming the byte offset.
 */
export class JsonTokenizer {
  private readonly decoder = new StringDecoder('utf8');
  /** Byte offset of the first character of the text being scanned (for error messages). */
  private textStart = 0;
  private state = VALUE;
  /** One entry per open container: true for an object. */
  private readonly stack: boolean[] = [];
  private inKey = false;
  /** The decoded text of the current string not yet handed over (at most one input chunk's worth). */
  private piece = '';
  private hex = 0;
  private hexDigits = 0;
  private literal = '';
  private literalAt = 0;
  private numberPart = NUMBER_START;
  private tokens: JsonToken[] = [];

  write(chunk: Buffer): JsonToken[] {
    return this.scan(this.decoder.write(chunk));
  }

  end(): JsonToken[] {
    const tokens = this.scan(this.decoder.end());
    if (this.state === NUMBER && numberMayEnd(this.numberPart)) {
      tokens.push(END_NUMBER);
      this.valueDone();
    }
    if (this.state !== DONE) {
      throw new JsonSyntaxError(`the JSON document ended at byte ${this.textStart} before it was complete`);
    }
    return tokens;
  }

  private scan(text: string): JsonToken[] {
    this.tokens = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case STRING:
          i = this.string(text, i);
          break;
        case NUMBER:
          i = this.number(text, i);
          break;
        case ESCAPE:
          this.escape(text, i);
          i++;
          break;
        case UNICODE:
          this.unicode(text, i);
          i++;
          break;
        case LITERAL:
          if (text.charCodeAt(i) !== this.literal.charCodeAt(this.literalAt)) this.fail(text, i);
          i++;
          if (++this.literalAt === this.literal.length) {
            this.tokens.push(LITERALS[this.literal] as JsonToken);
            this.valueDone();
          }
          break;
        default:
          i = this.structural(text, i);
      }
    }
    if (this.state === STRING || this.state === ESCAPE || this.state === UNICODE) this.flushPiece(false);
    this.textStart += Buffer.byteLength(text);
    return this.tokens;
  }

  /** One character outside strings, numbers and literals; returns where scanning goes on. */
  private structural(text: string, i: number): number {
    const c = text.charCodeAt(i);
    if (isSpace(c)) return i + 1;
    switch (this.state) {
      case FIRST_VALUE:
        if (c === 93 /* ] */) this.close(false, text, i);
        else return this.value(c, text, i);
        break;
      case VALUE:
        return this.value(c, text, i);
      case FIRST_KEY:
        if (c === 125 /* } */) this.close(true, text, i);
        else this.key(c, text, i);
        break;
      case KEY:
        this.key(c, text, i);
        break;
      case COLON:
        if (c !== 58 /* : */) this.fail(text, i);
        this.state = VALUE;
        break;
      case AFTER_VALUE: {
        const inObject = this.stack[this.stack.length - 1] === true;
        if (c === 44 /* , */) this.state = inObject ? KEY : VALUE;
        else if (c === (inObject ? 125 : 93)) this.close(inObject, text, i);
        else this.fail(text, i);
        break;
      }
      default:
        this.fail(text, i, 'after the end of the JSON document');
    }
    return i + 1;
  }

  /** The first character of a value; returns where scanning goes on (a number's first character is re-read). */
  private value(c: number, text: string, i: number): number {
    switch (c) {
      case 123 /* { */:
        this.tokens.push(START_OBJECT);
        this.stack.push(true);
        this.state = FIRST_KEY;
        return i + 1;
      case 91 /* [ */:
        this.tokens.push(START_ARRAY);
        this.stack.push(false);
        this.state = FIRST_VALUE;
        return i + 1;
      case 34 /* " */:
        this.tokens.push(START_STRING);
        this.inKey = false;
        this.state = STRING;
        return i + 1;
      case 116 /* t */:
      case 102 /* f */:
      case 110 /* n */:
        this.literal = c === 116 ? 'true' : c === 102 ? 'false' : 'null';
        this.literalAt = 1;
        this.state = LITERAL;
        return i + 1;
      default:
        if (c !== 45 /* - */ && !isDigit(c)) this.fail(text, i);
        this.tokens.push(START_NUMBER);
        this.state = NUMBER;
        this.numberPart = NUMBER_START;
        return i;
    }
  }

  private key(c: number, text: string, i: number): void {
    if (c !== 34 /* " */) return this.fail(text, i);
    this.tokens.push(START_KEY);
    this.inKey = true;
    this.state = STRING;
  }

  private close(isObject: boolean, text: string, i: number): void {
    if (this.stack.pop() !== isObject) this.fail(text, i);
    this.tokens.push(isObject ? END_OBJECT : END_ARRAY);
    this.valueDone();
  }

  private valueDone(): void {
    this.state = this.stack.length === 0 ? DONE : AFTER_VALUE;
  }

  /** Scans a run of string text up to the next quote or backslash; returns where scanning goes on. */
  private string(text: string, from: number): number {
    const n = text.length;
    const i = runEnd(text, from);
    if (i > from) this.piece += text.slice(from, i);
    if (i === n) return n;
    const c = text.charCodeAt(i);
    if (c < 32) this.fail(text, i, 'in a string');
    if (c === 92) {
      this.state = ESCAPE;
      return i + 1;
    }
    this.flushPiece(true);
    if (this.inKey) {
      this.tokens.push(END_KEY);
      this.state = COLON;
    } else {
      this.tokens.push(END_STRING);
      this.valueDone();
    }
    return i + 1;
  }

  private escape(text: string, i: number): void {
    const ch = text.charAt(i);
    if (ch === 'u') {
      this.hex = 0;
      this.hexDigits = 0;
      this.state = UNICODE;
      return;
    }
    const decoded = ESCAPES[ch];
    if (decoded === undefined) return this.fail(text, i, 'in an escape');
    this.piece += decoded;
    this.state = STRING;
  }

  private unicode(text: string, i: number): void {
    const digit = parseInt(text.charAt(i), 16);
    if (Number.isNaN(digit)) return this.fail(text, i, 'in a \\u escape');
    this.hex = this.hex * 16 + digit;
    if (++this.hexDigits < 4) return;
    this.piece += String.fromCharCode(this.hex);
    this.state = STRING;
  }

  /**
   * Hands over the string text gathered so far. Mid-string, an escaped high surrogate at the end is kept back so that
   * a surrogate pair split across input chunks still comes in one piece.
   */
  private flushPiece(final: boolean): void {
    let text = this.piece;
    this.piece = '';
    if (!final && text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1))) {
      this.piece = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text) this.tokens.push({ name: 'stringChunk', value: text });
  }

  /** Scans a number's characters; the number ends at the first character that cannot continue it. */
  private number(text: string, from: number): number {
    const n = text.length;
    let part = this.numberPart;
    let i = from;
    for (; i < n; i++) {
      const next = nextNumberPart(part, text.charCodeAt(i));
      if (next === NUMBER_BROKEN) this.fail(text, i, 'in a number');
      if (next === NUMBER_ENDED) break;
      part = next;
    }
    this.numberPart = part;
    if (i > from) this.tokens.push({ name: 'numberChunk', value: text.slice(from, i) });
    if (i === n) return n;
    this.tokens.push(END_NUMBER);
    this.valueDone();
    return i;
  }

  private fail(text: string, i: number, where = ''): never {
    const at = this.textStart + Buffer.byteLength(text.slice(0, i));
    const what = JSON.stringify(text.charAt(i));
    throw new JsonSyntaxError(`unexpected character ${what}${where ? ` ${where}` : ''} at byte ${at} of the JSON`);
  }
}
