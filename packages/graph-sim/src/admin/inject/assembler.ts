import { Base64Decoder, InvalidBase64Error } from '../../content/base64-decoder';
import type { ContentStore, ContentWriter } from '../../content/content-store';
import type { ByteSource } from '../../content/byte-source';
import { isRecord } from '../../util/guards';
import { InjectBodyError, MAX_MESSAGE_BYTES, MessageTooLargeError } from './limits';

/** A token of stream-json's parser (packed keys and numbers, strings as chunks). */
export interface JsonToken {
  name: string;
  value?: unknown;
}

type Frame =
  { kind: 'object'; value: Record<string, unknown>; key: string | null } | { kind: 'array'; value: unknown[] };

interface Binary {
  index: number;
  decoder: Base64Decoder;
  writer: ContentWriter;
}

/** What an inject body holds: the message JSON without contentBytes, and each attachment's bytes by index. */
export interface AssembledInject {
  root: Record<string, unknown>;
  contents: Map<number, ByteSource>;
}

/**
 * Builds an inject body from parser tokens, except `attachments[i].contentBytes`, whose base64 text is decoded as
 * it arrives and written to the content store: a 150 MB message is never held as a string, nor twice.
 * Everything together may not exceed Graph's 150 MB message limit.
 */
export class InjectAssembler {
  private readonly stack: Frame[] = [];
  private root: unknown = undefined;
  private text: string[] | null = null;
  private binary: Binary | null = null;
  private readonly writers = new Map<number, ContentWriter>();
  private bytes = 0;

  constructor(private readonly content: ContentStore) {}

  async take(t: JsonToken): Promise<void> {
    switch (t.name) {
      case 'startObject':
        return this.open({ kind: 'object', value: {}, key: null });
      case 'startArray':
        return this.open({ kind: 'array', value: [] });
      case 'endObject':
      case 'endArray':
        this.stack.pop();
        return;
      case 'keyValue':
        return this.setKey(String(t.value));
      case 'startString':
        return this.startString();
      case 'stringChunk':
        return this.chunk(String(t.value));
      case 'endString':
        return this.endString();
      case 'numberValue':
        return this.put(Number(t.value));
      case 'trueValue':
      case 'falseValue':
      case 'nullValue':
        return this.put(t.value);
    }
  }

  async finish(): Promise<AssembledInject> {
    const root = this.root;
    if (!isRecord(root)) throw new InjectBodyError('body must be a Graph message JSON object');
    const contents = new Map<number, ByteSource>();
    for (const [i, w] of this.writers) contents.set(i, await w.finish());
    return { root, contents };
  }

  private count(n: number): void {
    this.bytes += n;
    if (this.bytes > MAX_MESSAGE_BYTES) throw new MessageTooLargeError();
  }

  private put(v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) this.root = v;
    else if (top.kind === 'array') top.value.push(v);
    else if (top.key !== null) top.value[top.key] = v;
  }

  private open(frame: Frame): void {
    this.put(frame.value);
    this.stack.push(frame);
  }

  private setKey(key: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top?.kind === 'object') top.key = key;
  }

  /** True while the parser is inside `attachments[i].contentBytes` of the root object. */
  private atContentBytes(): number | null {
    const [root, list, att] = this.stack;
    if (this.stack.length !== 3 || root.kind !== 'object' || root.key !== 'attachments') return null;
    if (list.kind !== 'array' || att.kind !== 'object' || att.key !== 'contentBytes') return null;
    return list.value.length - 1;
  }

  private startString(): void {
    const index = this.atContentBytes();
    if (index === null) {
      this.text = [];
      return;
    }
    const writer = this.content.writer();
    this.writers.set(index, writer);
    this.binary = { index, decoder: new Base64Decoder(), writer };
  }

  private async chunk(s: string): Promise<void> {
    if (this.binary) {
      await this.write(this.binary, () => this.binary?.decoder.push(s) ?? null);
      return;
    }
    this.count(s.length);
    this.text?.push(s);
  }

  private async endString(): Promise<void> {
    const b = this.binary;
    if (b) {
      this.binary = null;
      await this.write(b, () => b.decoder.end());
      return this.put(null); // contentBytes stays out of the message JSON: the bytes are in the writer
    }
    const text = (this.text ?? []).join('');
    this.text = null;
    this.put(text);
  }

  private async write(b: Binary, decode: () => Buffer | null): Promise<void> {
    let bytes: Buffer | null;
    try {
      bytes = decode();
    } catch (e) {
      if (e instanceof InvalidBase64Error)
        throw new InjectBodyError(`attachments[${b.index}].contentBytes: ${e.message}`);
      throw e;
    }
    if (!bytes) return;
    this.count(bytes.length);
    await b.writer.write(bytes);
  }
}
