import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import parser from 'stream-json/parser.js';
import { toError } from '../../errors';
import type { DeltaPage } from '../types';
import type { AttachmentSink } from './content-writer';
import { DeltaPageAssembler, type JsonToken } from './page-assembler';

/** Tokens taken from the parser at a time: each batch is handled synchronously, then the store may catch up. */
const TOKEN_BATCH = 256;

/**
 * Reads one delta response body as a stream: stream-json's parser (every key, string and number in chunks) feeds the
 * page assembler, which writes attachment bytes to the store as they arrive. Back-pressure runs from the store to the
 * socket, so memory stays bounded whatever the page weighs. Rejects when the body fails, is cut, or is not a whole
 * JSON page; whatever attachment was being written is then dropped by the store.
 */
export async function readDeltaPage(body: Readable, sink: AttachmentSink): Promise<DeltaPage> {
  const assembler = new DeltaPageAssembler(sink);
  let bytes = 0;
  let page: DeltaPage | null = null;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const handle = (tokens: JsonToken[], done: (err?: Error | null) => void): void => {
    try {
      for (const t of tokens) assembler.token(t);
    } catch (err) {
      done(toError(err));
      return;
    }
    const wait = assembler.backlog();
    if (!wait) return done();
    wait.then(
      () => done(),
      (err: unknown) => done(toError(err)),
    );
  };
  const consumer = new Writable({
    objectMode: true,
    highWaterMark: TOKEN_BATCH,
    write(token: JsonToken, _encoding, done) {
      handle([token], done);
    },
    writev(chunks: { chunk: JsonToken }[], done) {
      handle(
        chunks.map((c) => c.chunk),
        done,
      );
    },
    final(done) {
      assembler.finish(bytes).then(
        (p) => {
          page = p;
          done();
        },
        (err: unknown) => done(toError(err)),
      );
    },
  });
  try {
    await pipeline(body, counter, parser.asStream({ packValues: false, streamValues: true }), consumer);
  } catch (err) {
    assembler.abort();
    throw err;
  }
  if (!page) throw new Error('the delta page parser ended without a page');
  return page;
}
