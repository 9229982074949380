import type { AttachmentContent, DeltaAttachment, DeltaMessage, DeltaPage, GraphEmailAddress } from '../types';
import { Base64ChunkDecoder } from './base64-decoder';
import { ContentCounter, ContentWriter, type AttachmentSink } from './content-writer';
import type { JsonToken } from './json-tokenizer';

// Caps on what is kept of one value: metadata is small in Graph's answers, and nothing in a page may grow memory
// with its size except through these constants.
const TEXT_CAP = 16 * 1024;
const LINK_CAP = 64 * 1024;
const KEY_CAP = 256;
const NUMBER_CAP = 32;
const MAX_DEPTH = 32;

const FILE_ATTACHMENT = '#microsoft.graph.fileAttachment';
const MESSAGE = 'value/#';
const ATTACHMENT = 'value/#/attachments/#';
const MESSAGE_TEXT = new Set(['id', 'subject', 'receivedDateTime', 'internetMessageId', 'bodyPreview']);
const ATTACHMENT_TEXT = new Set(['@odata.type', 'id', 'name', 'contentType']);
const LINKS = new Set(['@odata.nextLink', '@odata.deltaLink']);

type Frame = { kind: 'object' | 'array'; key: string };

interface TextTarget {
  kind: 'text';
  path: string;
  parts: string[];
  length: number;
  cap: number;
}
interface ContentTarget {
  kind: 'content';
  decoder: Base64ChunkDecoder;
  out: ContentWriter | ContentCounter;
}
type StringTarget = TextTarget | ContentTarget | { kind: 'skip' };

interface MessageDraft {
  /** Every property the page has shown of the message so far (null values included). */
  keys: Set<string>;
  fields: Record<string, string | boolean>;
  from: { name: string | null; address: string | null } | null;
  removed: boolean;
  attachments: AttachmentDraft[];
}
interface AttachmentDraft {
  keys: Set<string>;
  fields: Record<string, string | number | boolean>;
  content: Promise<AttachmentContent> | null;
}

/**
 * What the page has shown of a message when one of its attachments' content begins: a property is `undefined` while
 * the page has not come to it yet (Graph writes a message's properties before its expanded attachments, and an
 * attachment's metadata before its `contentBytes`, but a filter must not rely on it).
 */
export interface MessageSoFar {
  subject: string | null | undefined;
  fromAddress: string | null | undefined;
}
export interface AttachmentSoFar {
  odataType: string | null | undefined;
  name: string | null | undefined;
  contentType: string | null | undefined;
  size: number | null | undefined;
  isInline: boolean | undefined;
}

/**
 * Decides, as an attachment's content begins, whether its bytes go to the store. Bytes it refuses are only counted;
 * the caller decides afterwards, with the whole message known, whether to fetch them later (content `discarded`).
 */
export type StoreFilter = (message: MessageSoFar, attachment: AttachmentSoFar) => boolean;

export class DeltaPageFormatError extends Error {
  override name = 'DeltaPageFormatError';
}

/**
 * Builds a delta page from the tokenizer's tokens, one at a time and synchronously. Messages keep their metadata only;
 * each attachment's base64 content is decoded in chunks and handed to the store as it goes by (or counted and
 * dropped), so what this holds is bounded by the constants above times the page's message count, never by the size
 * of the attachments. `backlog()` says when the tokenizer must wait for the store.
 */
export class DeltaPageAssembler {
  private readonly stack: Frame[] = [];
  private rootDone = false;
  private key: string | null = null;
  private number: string | null = null;
  private target: StringTarget | null = null;
  private message: MessageDraft | null = null;
  private attachment: AttachmentDraft | null = null;
  private readonly drafts: MessageDraft[] = [];
  private readonly links: Record<string, string> = {};
  private waits: Promise<unknown>[] = [];
  private writing: ContentWriter | ContentCounter | null = null;

  constructor(
    private readonly sink: AttachmentSink,
    private readonly filter?: StoreFilter,
  ) {}

  token(t: JsonToken): void {
    if (this.rootDone) throw new DeltaPageFormatError('content after the end of the delta page');
    switch (t.name) {
      case 'startObject':
      case 'startArray':
        return this.open(t.name === 'startObject' ? 'object' : 'array');
      case 'endObject':
      case 'endArray':
        return this.close();
      case 'startKey':
        this.key = '';
        return;
      case 'endKey':
        this.top().key = this.key ?? '';
        this.noteKey(this.key ?? '');
        this.key = null;
        return;
      case 'stringChunk':
        return this.chunk(String(t.value));
      case 'startString':
        return this.startString();
      case 'endString':
        return this.endString();
      case 'startNumber':
        this.number = '';
        return;
      case 'numberChunk':
        if (this.number !== null && this.number.length < NUMBER_CAP) this.number += String(t.value);
        return;
      case 'endNumber':
        this.scalar(Number(this.number));
        this.number = null;
        return;
      case 'trueValue':
      case 'falseValue':
        return this.scalar(t.name === 'trueValue');
      case 'nullValue':
        return this.scalar(null);
      default:
        return;
    }
  }

  /** A promise while the store is behind or an attachment is being finished; null when parsing may go on. */
  backlog(): Promise<unknown> | null {
    const writing = this.writing?.backlog() ?? null;
    if (writing) this.waits.push(writing);
    if (this.waits.length === 0) return null;
    const all = Promise.all(this.waits);
    this.waits = [];
    return all;
  }

  /** The page, once the tokenizer has seen all of it. Throws when the JSON ended early. */
  async finish(bytes: number): Promise<DeltaPage> {
    if (!this.rootDone) throw new DeltaPageFormatError('the delta page ended before its JSON did');
    await Promise.all(this.waits);
    const messages: DeltaMessage[] = [];
    const removed: string[] = [];
    for (const d of this.drafts) {
      const id = typeof d.fields.id === 'string' ? d.fields.id : null;
      if (!id) continue;
      if (d.removed) removed.push(id);
      else messages.push(await toMessage(id, d));
    }
    return {
      messages,
      removed,
      nextLink: this.links['@odata.nextLink'] ?? null,
      deltaLink: this.links['@odata.deltaLink'] ?? null,
      bytes,
    };
  }

  /** The page failed: whatever is being written to the store is dropped there. */
  abort(): void {
    this.writing?.abort();
    this.writing = null;
  }

  private top(): Frame {
    const f = this.stack[this.stack.length - 1];
    if (!f) throw new DeltaPageFormatError('a key outside any object');
    return f;
  }

  private path(): string {
    return this.stack.map((f) => f.key).join('/');
  }

  private open(kind: Frame['kind']): void {
    if (this.stack.length >= MAX_DEPTH) throw new DeltaPageFormatError(`nested deeper than ${MAX_DEPTH} levels`);
    const path = this.path();
    if (kind === 'object' && path === MESSAGE) {
      this.message = { keys: new Set(), fields: {}, from: null, removed: false, attachments: [] };
      this.drafts.push(this.message);
    } else if (kind === 'object' && path === ATTACHMENT && this.message) {
      this.attachment = { keys: new Set(), fields: {}, content: null };
      this.message.attachments.push(this.attachment);
    } else if (kind === 'object' && path === `${MESSAGE}/@removed` && this.message) {
      this.message.removed = true;
    }
    this.stack.push({ kind, key: kind === 'array' ? '#' : '' });
  }

  private close(): void {
    this.stack.pop();
    const path = this.path();
    if (path === MESSAGE) this.message = null;
    else if (path === ATTACHMENT) this.attachment = null;
    if (this.stack.length === 0) this.rootDone = true;
  }

  private chunk(text: string): void {
    if (this.key !== null) {
      this.key += text.slice(0, KEY_CAP - this.key.length);
      return;
    }
    const t = this.target;
    if (!t || t.kind === 'skip') return;
    if (t.kind === 'content') {
      const bytes = t.decoder.push(text);
      if (bytes) t.out.write(bytes);
      return;
    }
    // a chunk may cross the cap (the tokenizer hands a string over in pieces of any length)
    if (t.cap === LINK_CAP && t.length + text.length > LINK_CAP) {
      throw new DeltaPageFormatError(`${t.path} is longer than ${LINK_CAP} characters`);
    }
    if (t.length >= t.cap) return;
    const kept = text.slice(0, t.cap - t.length);
    t.parts.push(kept);
    t.length += kept.length;
  }

  private startString(): void {
    const path = this.path();
    const field = path.slice(path.lastIndexOf('/') + 1);
    const owner = path.slice(0, path.lastIndexOf('/'));
    if (owner === ATTACHMENT && field === 'contentBytes' && this.attachment) {
      this.writing = this.keeps(this.message, this.attachment) ? new ContentWriter(this.sink) : new ContentCounter();
      this.target = { kind: 'content', decoder: new Base64ChunkDecoder(), out: this.writing };
      return;
    }
    const wanted =
      LINKS.has(path) ||
      (owner === MESSAGE && MESSAGE_TEXT.has(field)) ||
      (owner === ATTACHMENT && ATTACHMENT_TEXT.has(field)) ||
      (owner === `${MESSAGE}/from/emailAddress` && (field === 'name' || field === 'address')) ||
      (owner === `${MESSAGE}/@removed` && field === 'reason');
    this.target = wanted
      ? { kind: 'text', path, parts: [], length: 0, cap: LINKS.has(path) ? LINK_CAP : TEXT_CAP }
      : { kind: 'skip' };
  }

  private endString(): void {
    const t = this.target;
    this.target = null;
    if (!t || t.kind === 'skip') return;
    if (t.kind === 'content') {
      const rest = t.decoder.end();
      if (rest) t.out.write(rest);
      const content = t.out.end();
      if (this.attachment) this.attachment.content = content;
      this.waits.push(content);
      this.writing = null;
      return;
    }
    this.assign(t.path, t.parts.join(''));
  }

  private scalar(value: string | number | boolean | null): void {
    if (this.key !== null) return;
    this.assign(this.path(), value);
  }

  private assign(path: string, value: string | number | boolean | null): void {
    if (LINKS.has(path)) {
      if (typeof value === 'string') this.links[path] = value;
      return;
    }
    const field = path.slice(path.lastIndexOf('/') + 1);
    const owner = path.slice(0, path.lastIndexOf('/'));
    if (owner === MESSAGE && this.message) {
      if (MESSAGE_TEXT.has(field) ? typeof value === 'string' : typeof value === 'boolean')
        this.message.fields[field] = value as string | boolean;
    } else if (owner === ATTACHMENT && this.attachment) {
      if (value !== null) this.attachment.fields[field] = value;
    } else if (owner === `${MESSAGE}/from/emailAddress` && this.message && typeof value === 'string') {
      const from = this.message.from ?? { name: null, address: null };
      if (field === 'name') from.name = value;
      if (field === 'address') from.address = value;
      this.message.from = from;
    }
  }

  /** Records which property of the message or attachment being read the page has come to. */
  private noteKey(key: string): void {
    const owner = this.stack
      .slice(0, -1)
      .map((f) => f.key)
      .join('/');
    if (owner === ATTACHMENT) this.attachment?.keys.add(key);
    else if (owner === MESSAGE) this.message?.keys.add(key);
  }

  /**
   * Whether an attachment's bytes go to the store: file attachments that are not inline, as far as known yet, and
   * that the filter (the mail rules) wants.
   */
  private keeps(m: MessageDraft | null, a: AttachmentDraft): boolean {
    const type = a.fields['@odata.type'];
    if (a.fields.isInline === true || (type !== undefined && type !== FILE_ATTACHMENT)) return false;
    if (!this.filter) return true;
    return this.filter(messageSoFar(m), attachmentSoFar(a));
  }
}

function messageSoFar(m: MessageDraft | null): MessageSoFar {
  if (!m) return { subject: undefined, fromAddress: undefined };
  const subject = m.fields.subject;
  return {
    subject: m.keys.has('subject') ? (typeof subject === 'string' ? subject : null) : undefined,
    fromAddress: m.keys.has('from') ? (m.from?.address ?? null) : undefined,
  };
}

function attachmentSoFar(a: AttachmentDraft): AttachmentSoFar {
  const f = a.fields;
  const text = (k: string): string | null | undefined =>
    a.keys.has(k) ? (typeof f[k] === 'string' ? f[k] : null) : undefined;
  return {
    odataType: text('@odata.type'),
    name: text('name'),
    contentType: text('contentType'),
    size: a.keys.has('size') ? (typeof f.size === 'number' ? f.size : null) : undefined,
    isInline: a.keys.has('isInline') ? f.isInline === true : undefined,
  };
}

async function toMessage(id: string, d: MessageDraft): Promise<DeltaMessage> {
  const text = (k: string): string | null => (typeof d.fields[k] === 'string' ? d.fields[k] : null);
  const flag = (k: string): boolean | null => (typeof d.fields[k] === 'boolean' ? d.fields[k] : null);
  const from: GraphEmailAddress | null = d.from ? { emailAddress: d.from } : null;
  const attachments: DeltaAttachment[] = [];
  for (const a of d.attachments) attachments.push(await toAttachment(a));
  return {
    id,
    subject: text('subject'),
    from,
    receivedDateTime: text('receivedDateTime'),
    internetMessageId: text('internetMessageId'),
    hasAttachments: flag('hasAttachments'),
    bodyPreview: text('bodyPreview'),
    isRead: flag('isRead'),
    attachments,
  };
}

async function toAttachment(a: AttachmentDraft): Promise<DeltaAttachment> {
  const f = a.fields;
  const str = (k: string): string | undefined => (typeof f[k] === 'string' ? f[k] : undefined);
  return {
    '@odata.type': str('@odata.type'),
    id: str('id') ?? '',
    name: str('name') ?? null,
    contentType: str('contentType') ?? null,
    size: typeof f.size === 'number' && Number.isFinite(f.size) ? f.size : undefined,
    isInline: f.isInline === true,
    content: a.content ? await a.content : { kind: 'absent' },
  };
}
