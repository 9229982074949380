import type { FileAttachment, FollowupFlag, Message } from '@microsoft/microsoft-graph-types';
import type { ByteSource } from '../content/byte-source';
import type { ContentStore } from '../content/content-store';
import { changeKey, exchangeId, uuid } from '../util/ids';
import { graphDate } from '../util/time';
import { ChangeLog } from './change-log';
import { FolderTree } from './folders';
import type { ChangeKind, IdView, MailEvent, StoredAttachment, StoredFolder, StoredMessage } from './types';

/** Properties a client may PATCH on a received message. */
const PATCHABLE = new Set(['isRead', 'categories', 'flag', 'importance', 'inferenceClassification']);

/** Graph message JSON as injected, attachments with base64 contentBytes. */
export type InjectInput = Omit<Message, 'attachments'> & {
  attachments?: (FileAttachment & { '@odata.type'?: string })[] | null;
};

/** An attachment whose bytes are already stored. */
export interface NewAttachment {
  meta: Omit<FileAttachment, 'contentBytes' | 'id' | 'size'>;
  content: ByteSource;
}

export class PatchError extends Error {}

/** Graph writes message dates as ISO-8601 UTC without fractions. */
function normalizeDate(v: string | null | undefined): string | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : graphDate(new Date(t));
}

function preview(body: Message['body']): string {
  const text = body?.content ?? '';
  const plain = body?.contentType === 'html' ? text.replace(/<[^>]*>/g, ' ') : text;
  return plain.replace(/\s+/g, ' ').trim().slice(0, 255);
}

function checkPatch(patch: Record<string, unknown>): void {
  for (const k of Object.keys(patch))
    if (!PATCHABLE.has(k))
      throw new PatchError(`Property '${k}' is read-only or cannot be updated on a received message.`);
  if ('isRead' in patch && typeof patch.isRead !== 'boolean')
    throw new PatchError("Property 'isRead' must be a Boolean.");
  if (
    'categories' in patch &&
    (!Array.isArray(patch.categories) || patch.categories.some((c: unknown) => typeof c !== 'string'))
  )
    throw new PatchError("Property 'categories' must be an array of strings.");
}

/** One simulated mailbox: folders, messages, per-scope change logs for delta, and a cursor epoch. */
export class Mailbox {
  readonly id = uuid();
  readonly displayName: string;
  readonly folders = new FolderTree();
  /** By immutable id (key). */
  readonly messages = new Map<string, StoredMessage>();
  private readonly byRestId = new Map<string, string>();
  readonly logs = new Map<string, ChangeLog>([['*', new ChangeLog()]]);
  /** Incremented by expire-delta: cursors of an older epoch answer syncStateNotFound. */
  epoch = 1;
  seq = 0;

  constructor(
    readonly address: string,
    private readonly onEvent: (mb: Mailbox, ev: MailEvent) => void,
    private readonly content: ContentStore,
  ) {
    this.displayName = address.split('@')[0];
  }

  folder(idOrName: string): StoredFolder | undefined {
    return this.folders.get(idOrName);
  }

  inbox(): StoredFolder {
    const f = this.folder('inbox');
    if (!f) throw new Error('inbox missing');
    return f;
  }

  /**
   * A message by its current default id, or by its immutable id when the request asked for immutable ids: a
   * default id the message had before a move is gone, and an immutable id means nothing to a request without
   * `Prefer: IdType="ImmutableId"` (so a client that forgets the header somewhere finds out).
   */
  find(id: string, view: IdView): StoredMessage | undefined {
    const byRest = this.messages.get(this.byRestId.get(id) ?? '');
    if (byRest || view === 'rest') return byRest;
    return this.messages.get(id);
  }

  private log(scope: string): ChangeLog {
    let l = this.logs.get(scope);
    if (!l) {
      l = new ChangeLog();
      this.logs.set(scope, l);
    }
    return l;
  }

  private record(scope: string, m: StoredMessage, restId: string, kind: ChangeKind | null, restKind = kind): void {
    this.log(scope).record({ seq: ++this.seq, key: m.key, restId, kinds: { immutable: kind, rest: restKind } });
  }

  /** Adds a message given as Graph JSON with base64 contentBytes (small messages: seeding, tests). */
  inject(input: InjectInput, folderId?: string): StoredMessage {
    const { attachments: given, ...message } = input;
    const attachments: NewAttachment[] = (given ?? []).map((a) => {
      const { contentBytes, id: _id, size: _size, ...meta } = a;
      return { meta, content: this.content.put(Buffer.from(contentBytes ?? '', 'base64')) };
    });
    return this.add(message, attachments, folderId);
  }

  /** Adds a message whose attachment bytes are already stored, to a folder (default inbox). */
  add(input: Omit<Message, 'attachments'>, newAttachments: NewAttachment[], folderId?: string): StoredMessage {
    const folder = (folderId && this.folder(folderId)) || this.inbox();
    const now = graphDate(new Date());
    const key = exchangeId();
    const received = normalizeDate(input.receivedDateTime) ?? now;
    const attachments: StoredAttachment[] = newAttachments.map(({ meta, content }) => ({
      content,
      meta: {
        '@odata.type': '#microsoft.graph.fileAttachment',
        id: exchangeId('AAMkAGAtt'),
        lastModifiedDateTime: now,
        name: meta.name ?? 'attachment',
        contentType: meta.contentType ?? 'application/octet-stream',
        size: content.size,
        isInline: meta.isInline ?? false,
        contentId: meta.contentId ?? null,
        contentLocation: meta.contentLocation ?? null,
      },
    }));
    const data: Message = {
      createdDateTime: now,
      lastModifiedDateTime: now,
      changeKey: changeKey(),
      categories: input.categories ?? [],
      receivedDateTime: received,
      sentDateTime: normalizeDate(input.sentDateTime) ?? received,
      hasAttachments: input.hasAttachments ?? attachments.some((a) => !a.meta.isInline),
      internetMessageId: input.internetMessageId ?? `<${uuid()}@graph-sim.example>`,
      subject: input.subject ?? '',
      bodyPreview: input.bodyPreview ?? preview(input.body),
      importance: input.importance ?? 'normal',
      parentFolderId: folder.id,
      conversationId: input.conversationId ?? exchangeId('AAQkAG'),
      conversationIndex: input.conversationIndex ?? Buffer.from(uuid()).toString('base64'),
      isDeliveryReceiptRequested: input.isDeliveryReceiptRequested ?? false,
      isReadReceiptRequested: input.isReadReceiptRequested ?? false,
      isRead: input.isRead ?? false,
      isDraft: input.isDraft ?? false,
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(key)}&exvsurl=1&viewmodel=ReadMessageItem`,
      inferenceClassification: input.inferenceClassification ?? 'focused',
      body: input.body ?? { contentType: 'text', content: '' },
      sender: input.sender ?? input.from ?? null,
      from: input.from ?? null,
      toRecipients: input.toRecipients ?? [{ emailAddress: { name: this.displayName, address: this.address } }],
      ccRecipients: input.ccRecipients ?? [],
      bccRecipients: input.bccRecipients ?? [],
      replyTo: input.replyTo ?? [],
      flag: input.flag ?? { flagStatus: 'notFlagged' },
    };
    const stored: StoredMessage = { key, restId: key, data, attachments };
    this.messages.set(key, stored);
    this.byRestId.set(key, key);
    this.record(folder.id, stored, key, 'created');
    this.record('*', stored, key, 'created');
    this.onEvent(this, { kind: 'created', key, restId: key, folderId: folder.id });
    return stored;
  }

  /** PATCH of isRead, categories, flag, importance, inferenceClassification; a bad property is a PatchError. */
  update(m: StoredMessage, patch: Record<string, unknown>): StoredMessage {
    checkPatch(patch);
    if ('isRead' in patch) m.data.isRead = patch.isRead === true;
    if (Array.isArray(patch.categories)) m.data.categories = patch.categories.map(String);
    if ('flag' in patch && typeof patch.flag === 'object') m.data.flag = patch.flag as FollowupFlag;
    if ('importance' in patch) m.data.importance = patch.importance as Message['importance'];
    if ('inferenceClassification' in patch)
      m.data.inferenceClassification = patch.inferenceClassification as Message['inferenceClassification'];
    m.data.lastModifiedDateTime = graphDate(new Date());
    m.data.changeKey = changeKey();
    const folderId = m.data.parentFolderId ?? '';
    this.record(folderId, m, m.restId, 'updated');
    this.record('*', m, m.restId, 'updated');
    this.onEvent(this, { kind: 'updated', key: m.key, restId: m.restId, folderId });
    return m;
  }

  /**
   * Move to another folder. As in Exchange, the default id changes at every move; the immutable id never does.
   * The source folder sees a removal, the destination a creation; the whole mailbox an update of the immutable id,
   * or the removal of the old default id and the creation of the new one.
   */
  move(m: StoredMessage, dest: StoredFolder): StoredMessage {
    const from = m.data.parentFolderId ?? '';
    if (from === dest.id) return m;
    const oldRestId = m.restId;
    m.restId = exchangeId();
    this.byRestId.delete(oldRestId);
    this.byRestId.set(m.restId, m.key);
    m.data.parentFolderId = dest.id;
    m.data.lastModifiedDateTime = graphDate(new Date());
    m.data.changeKey = changeKey();
    this.record(from, m, oldRestId, 'removed');
    this.record(dest.id, m, m.restId, 'created');
    this.record('*', m, oldRestId, null, 'removed');
    this.record('*', m, m.restId, 'updated', 'created');
    this.onEvent(this, { kind: 'deleted', key: m.key, restId: oldRestId, folderId: from, moved: true });
    this.onEvent(this, { kind: 'created', key: m.key, restId: m.restId, folderId: dest.id, moved: true });
    return m;
  }

  remove(m: StoredMessage): void {
    this.messages.delete(m.key);
    this.byRestId.delete(m.restId);
    const folderId = m.data.parentFolderId ?? '';
    this.record(folderId, m, m.restId, 'removed');
    this.record('*', m, m.restId, 'removed');
    this.onEvent(this, { kind: 'deleted', key: m.key, restId: m.restId, folderId });
  }

  /** Messages of a folder (or all when folderId is undefined), in insertion order. */
  list(folderId?: string): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (const m of this.messages.values()) if (!folderId || m.data.parentFolderId === folderId) out.push(m);
    return out;
  }

  folderCounts(folderId: string): { total: number; unread: number } {
    let total = 0;
    let unread = 0;
    for (const m of this.messages.values()) {
      if (m.data.parentFolderId !== folderId) continue;
      total++;
      if (!m.data.isRead) unread++;
    }
    return { total, unread };
  }
}
