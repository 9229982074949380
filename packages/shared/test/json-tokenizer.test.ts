import parser from 'stream-json/parser.js';
import { JsonSyntaxError, JsonTokenizer, type JsonToken } from '../src/graph/delta/json-tokenizer';
import { cutAt, randomCuts, randomJson, seededRandom } from './random-json';

// Our tokenizer against stream-json's parser (packValues: false, streamValues: true), the one the page assembler was
// written against: the same tokens once consecutive chunks are joined, however the bytes are cut.

function ours(pieces: Buffer[]): JsonToken[] {
  const tokenizer = new JsonTokenizer();
  const tokens: JsonToken[] = [];
  for (const p of pieces) tokens.push(...tokenizer.write(p));
  tokens.push(...tokenizer.end());
  return tokens;
}

function theirs(pieces: Buffer[]): Promise<JsonToken[]> {
  return new Promise((resolve, reject) => {
    const stream = parser.asStream({ packValues: false, streamValues: true });
    const tokens: JsonToken[] = [];
    stream.on('data', (t: JsonToken) => tokens.push(t));
    stream.on('end', () => resolve(tokens));
    stream.on('error', reject);
    for (const p of pieces) stream.write(p);
    stream.end();
  });
}

/** Joins consecutive stringChunk / numberChunk values: where a value is cut is no part of the vocabulary. */
function joinChunks(tokens: JsonToken[]): JsonToken[] {
  const out: JsonToken[] = [];
  for (const t of tokens) {
    const last = out[out.length - 1];
    if (last && (t.name === 'stringChunk' || t.name === 'numberChunk') && last.name === t.name) {
      out[out.length - 1] = { name: t.name, value: String(last.value) + String(t.value) };
    } else {
      out.push(t.value === undefined ? { name: t.name } : { name: t.name, value: t.value });
    }
  }
  return out;
}

async function expectSameTokens(json: string, pieces: Buffer[]): Promise<void> {
  const expected = joinChunks(await theirs(pieces));
  const actual = joinChunks(ours(pieces));
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    // toEqual shows the difference; the cuts say how to reproduce it
    expect({ json, cuts: pieces.map((p) => p.length), tokens: actual }).toEqual({
      json,
      cuts: pieces.map((p) => p.length),
      tokens: expected,
    });
  }
}

const everyByte = (b: Buffer): Buffer[] => Array.from(b, (_, i) => b.subarray(i, i + 1));

const EDGE_CASES = [
  '{}',
  '[]',
  '""',
  '0',
  '-0',
  '123',
  '-12.5e-3',
  '1E+400',
  '0.000',
  'true',
  'false',
  'null',
  ' \r\n\t[ 1 , -2 ,3.25,\t4e5 ]\n ',
  '{"":""}',
  '[[[[]]],{},[{}],{"a":[]}]',
  '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
  '"\\n\\"\\\\\\/\\b\\f\\r\\t"',
  '"\\u00e9\\u00E9\\u4e2d\\ud83d\\ude00\\uD83D\\uDE00"',
  '"lone \\ud800 and \\udfff surrogates"',
  '"é中😀\u2028 raw"',
  '{"k\\u00e9y\\n":"v","😀":"\\"quoted\\""}',
  '[0,-0,0.5,-0.5e10,10,99999999999999999999,1e-7]',
  `{"contentBytes":"${'QUJD'.repeat(50_000)}","size":150000}`,
  `["${'x'.repeat(70_000)}\\n${'y'.repeat(70_000)}"]`,
];

const MALFORMED = [
  '',
  '   ',
  '{',
  '[',
  '{"a"',
  '{"a":',
  '{"a":1',
  '{"a":1,}',
  '[1,]',
  '[,1]',
  '{,}',
  '[1 2]',
  '{"a" 1}',
  '{"a":1,,"b":2}',
  '{a:1}',
  "{'a':1}",
  'tru',
  'trux',
  'nul',
  'NaN',
  'Infinity',
  '+1',
  '.5',
  '01',
  '-',
  '-a',
  '1.',
  '1.e5',
  '1e',
  '1e+',
  '"abc',
  '"a\\x"',
  '"\\u12G4"',
  '"\\u12"',
  '"a\nb"',
  '"a\u0000b"',
  '"\\',
  '[1]]',
  '{}x',
  '[] {}',
  '{"a":1}}',
  ']',
  '}',
  ':',
  '[1}',
  '{"a":1]',
  '"a" "b"',
];

describe('JsonTokenizer', () => {
  it.each(EDGE_CASES.map((json) => [json.length > 80 ? `${json.slice(0, 60)}… (${json.length})` : json, json]))(
    'gives stream-json’s tokens for %s, whole, byte by byte and cut at random',
    async (_name, json) => {
      const bytes = Buffer.from(json);
      await expectSameTokens(json, [bytes]);
      if (bytes.length < 1000) await expectSameTokens(json, everyByte(bytes));
      const r = seededRandom(bytes.length);
      for (let i = 0; i < 5; i++) await expectSameTokens(json, cutAt(bytes, randomCuts(r, bytes.length, 1 + i * 7)));
    },
  );

  it('gives stream-json’s tokens for 400 random documents, each cut at random bytes', async () => {
    for (let seed = 1; seed <= 400; seed++) {
      const r = seededRandom(seed);
      const json = `${r() < 0.3 ? ' \n' : ''}${randomJson(r)}${r() < 0.3 ? '\r\n ' : ''}`;
      expect(() => JSON.parse(json) as unknown).not.toThrow();
      const bytes = Buffer.from(json);
      for (const count of [1, 5, 40]) await expectSameTokens(json, cutAt(bytes, randomCuts(r, bytes.length, count)));
      if (bytes.length < 2000) await expectSameTokens(json, everyByte(bytes));
    }
  });

  it.each(MALFORMED.map((json) => [JSON.stringify(json), json]))(
    'rejects %s, as stream-json does, whole and byte by byte',
    async (_name, json) => {
      const bytes = Buffer.from(json);
      await expect(theirs([bytes])).rejects.toThrow();
      expect(() => ours([bytes])).toThrow(JsonSyntaxError);
      expect(() => ours(everyByte(bytes))).toThrow(JsonSyntaxError);
    },
  );

  it('names the byte where the JSON goes wrong, and says when it ended early', () => {
    const fails = (json: string) => () => ours(everyByte(Buffer.from(json)));
    expect(fails('{"a": x}')).toThrow('unexpected character "x" at byte 6');
    expect(fails('["é中", x]')).toThrow('unexpected character "x" at byte 10');
    expect(fails('["a\\q"]')).toThrow('unexpected character "q" in an escape at byte 4');
    expect(fails('{} []')).toThrow('unexpected character "[" after the end of the JSON document at byte 3');
    expect(fails('{"value": [')).toThrow('the JSON document ended at byte 11 before it was complete');
  });

  it('hands a string over in one chunk per input chunk, never more than an input chunk at a time', () => {
    const base64 = Buffer.alloc(3 * 1024 * 1024, 7).toString('base64');
    const bytes = Buffer.from(`{"contentBytes":"${base64}"}`);
    const whole = new JsonTokenizer().write(bytes).filter((t) => t.name === 'stringChunk');
    expect(whole.map((t) => String(t.value).length)).toEqual(['contentBytes'.length, base64.length]);

    const tokenizer = new JsonTokenizer();
    const chunkSizes: number[] = [];
    for (let i = 0; i < bytes.length; i += 65_536) {
      const tokens = tokenizer.write(bytes.subarray(i, i + 65_536));
      for (const t of tokens) if (t.name === 'stringChunk') chunkSizes.push(String(t.value).length);
    }
    tokenizer.end();
    expect(Math.max(...chunkSizes)).toBeLessThanOrEqual(65_536);
    expect(chunkSizes.reduce((a, b) => a + b, 0)).toBe('contentBytes'.length + base64.length);
  });

  it('keeps an escaped surrogate pair cut between input chunks in one piece', () => {
    const bytes = Buffer.from('["\\ud83d\\ude00"]');
    for (let cut = 1; cut < bytes.length; cut++) {
      const chunks = ours(cutAt(bytes, [cut])).filter((t) => t.name === 'stringChunk');
      expect(chunks).toEqual([{ name: 'stringChunk', value: '😀' }]);
    }
  });
});
