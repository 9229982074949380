import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import parser from 'stream-json/parser.js';

/** Bytes per generated piece: a multiple of 3, so that only the last piece's base64 has padding. */
const PIECE = 3 * 256 * 1024;

/**
 * A message JSON body with one attachment of `size` random bytes, produced piece by piece (never held whole),
 * and the SHA-256 of the attachment once the body has been read.
 */
export function bigMessageBody(
  subject: string,
  size: number,
  extra: Record<string, unknown> = {},
): { body: AsyncIterable<Buffer>; sha256: () => string } {
  const hash = createHash('sha256');
  let digest = '';
  const head = JSON.stringify({
    subject,
    from: { emailAddress: { name: 'Builder Ltd', address: 'ap@builder.example' } },
    body: { contentType: 'text', content: `${subject}: photos of the site attached.` },
    ...extra,
  }).slice(0, -1);
  async function* body(): AsyncIterable<Buffer> {
    yield Buffer.from(
      `${head},"attachments":[{"@odata.type":"#microsoft.graph.fileAttachment","name":"site.jpg","contentType":"image/jpeg","contentBytes":"`,
    );
    for (let done = 0; done < size;) {
      const n = Math.min(PIECE, size - done);
      const bytes = randomBytes(n);
      hash.update(bytes);
      done += n;
      yield Buffer.from(bytes.toString('base64'));
    }
    digest = hash.digest('hex');
    yield Buffer.from('"}]}');
  }
  return { body: body(), sha256: () => digest };
}

/** POSTs a body given as pieces (streamed upload) and answers status and JSON. */
export async function postStream(url: string, body: AsyncIterable<Buffer>): Promise<{ status: number; json: unknown }> {
  // undici's fetch streams an async iterable body (duplex: 'half'); the DOM typings do not know it.
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' };
  const res = await fetch(url, init as unknown as RequestInit);
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

interface Token {
  name: string;
  value?: unknown;
}

/** What a streamed read of a delta page or a $batch answer found, with attachment bytes hashed, never held. */
export interface StreamedJson {
  /** SHA-256 and size of every `contentBytes` (or inner raw `body`) string, by JSON path. */
  blobs: Map<string, { sha256: string; size: number }>;
  /** Every other string, by JSON path (ids, names, links). */
  strings: Map<string, string>;
  bytes: number;
}

/** Reads a JSON answer as a stream: base64 strings at keys in `base64Keys` are decoded and hashed piece by piece. */
export async function readJsonStream(body: Readable, base64Keys: string[]): Promise<StreamedJson> {
  const out: StreamedJson = { blobs: new Map(), strings: new Map(), bytes: 0 };
  body.on('data', (c: Buffer) => (out.bytes += c.length));
  const tokens = body.pipe(parser.asStream({ packStrings: false, streamKeys: false, streamNumbers: false }));
  const path: (string | number)[] = [];
  const kinds: ('o' | 'a')[] = [];
  let text: string[] = [];
  let blob: { hash: ReturnType<typeof createHash>; pending: string[]; chars: number; size: number } | null = null;
  const feed = (s: string, final: boolean): void => {
    if (!blob) return;
    blob.pending.push(s);
    blob.chars += s.length;
    if (!final && blob.chars < 65_536) return;
    const all = blob.pending.join('');
    const usable = final ? all.length : all.length - (all.length % 4);
    const bytes = Buffer.from(all.slice(0, usable), 'base64');
    blob.hash.update(bytes);
    blob.size += bytes.length;
    blob.pending = [all.slice(usable)];
    blob.chars = all.length - usable;
  };
  const valueDone = (): void => {
    if (kinds[kinds.length - 1] === 'a') path[path.length - 1] = Number(path[path.length - 1]) + 1;
  };
  for await (const t of tokens as AsyncIterable<Token>) {
    switch (t.name) {
      case 'startObject':
      case 'startArray':
        kinds.push(t.name === 'startObject' ? 'o' : 'a');
        path.push(t.name === 'startObject' ? '' : 0);
        break;
      case 'endObject':
      case 'endArray':
        kinds.pop();
        path.pop();
        valueDone();
        break;
      case 'keyValue':
        path[path.length - 1] = String(t.value);
        break;
      case 'startString':
        if (base64Keys.includes(String(path[path.length - 1])))
          blob = { hash: createHash('sha256'), pending: [], chars: 0, size: 0 };
        else text = [];
        break;
      case 'stringChunk':
        if (blob) feed(String(t.value), false);
        else text.push(String(t.value));
        break;
      case 'endString':
        if (blob) {
          feed('', true);
          out.blobs.set(path.join('.'), { sha256: blob.hash.digest('hex'), size: blob.size });
          blob = null;
        } else out.strings.set(path.join('.'), text.join(''));
        valueDone();
        break;
      default:
        valueDone();
    }
  }
  return out;
}
