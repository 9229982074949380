import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toError } from '../../errors';
import type { DeltaPage } from '../types';
import type { AttachmentSink } from './content-writer';
import { JsonTokenizer, type JsonToken } from './json-tokenizer';
import { DeltaPageAssembler, type StoreFilter } from './page-assembler';

/**
 * Reads one delta response body as a stream: each chunk of bytes is tokenized (a string's text comes in one piece per
 * chunk) and fed to the page assembler, which writes attachment bytes to the store as they arrive. The next chunk is
 * taken only once the store has caught up, so back-pressure runs from the store to the socket and memory stays
 * bounded whatever the page weighs. Rejects when the body fails, is cut, or is not a whole JSON page; whatever
 * attachment was being written is then dropped by the store. `filter` (the mail rules) keeps unwanted attachments
 * out of the store: their bytes go by, counted, and are never written.
 */
export async function readDeltaPage(body: Readable, sink: AttachmentSink, filter?: StoreFilter): Promise<DeltaPage> {
  const assembler = new DeltaPageAssembler(sink, filter);
  const tokenizer = new JsonTokenizer();
  let bytes = 0;
  let page: DeltaPage | null = null;
  /** Feeds tokens to the assembler synchronously, then waits for the store if it is behind. */
  const handle = (next: () => JsonToken[], done: (err?: Error | null) => void): void => {
    try {
      for (const t of next()) assembler.token(t);
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
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      handle(() => tokenizer.write(chunk), done);
    },
    final(done) {
      handle(
        () => tokenizer.end(),
        (err) => {
          if (err) return done(err);
          assembler.finish(bytes).then(
            (p) => {
              page = p;
              done();
            },
            (e: unknown) => done(toError(e)),
          );
        },
      );
    },
  });
  try {
    await pipeline(body, consumer);
  } catch (err) {
    assembler.abort();
    throw err;
  }
  if (!page) throw new Error('the delta page reader ended without a page');
  return page;
}
