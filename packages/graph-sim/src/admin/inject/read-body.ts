import type { Readable } from 'node:stream';
import parser from 'stream-json/parser.js';
import type { ContentStore } from '../../content/content-store';
import { InjectAssembler, type AssembledInject, type JsonToken } from './assembler';
import { InjectBodyError } from './limits';

/** Parser errors are stream-json's plain Errors; everything else thrown here is ours. */
function asBodyError(e: unknown): unknown {
  if (e instanceof Error && /^Parser /.test(e.message))
    return new InjectBodyError(`body is not valid JSON: ${e.message}`);
  return e;
}

/**
 * Reads an admin inject body as a stream of JSON tokens (stream-json), writing attachment bytes to the content
 * store as they are decoded. Memory stays bounded by the parser's window, whatever the message weighs.
 */
export async function readInjectBody(body: Readable, content: ContentStore): Promise<AssembledInject> {
  const tokens = parser.asStream({ packStrings: false, streamKeys: false, streamNumbers: false });
  const fail = (e: Error): void => void tokens.destroy(e);
  const closedEarly = (): void => {
    if (!body.readableEnded) tokens.destroy(new InjectBodyError('request body ended early'));
  };
  body.on('error', fail);
  body.on('close', closedEarly);
  body.pipe(tokens);
  const assembler = new InjectAssembler(content);
  try {
    for await (const t of tokens as AsyncIterable<JsonToken>) await assembler.take(t);
    return await assembler.finish();
  } catch (e) {
    throw asBodyError(e);
  } finally {
    body.off('error', fail);
    body.off('close', closedEarly);
    body.unpipe(tokens);
    tokens.destroy();
  }
}
