import type { FileAttachment, FollowupFlag, Message } from '@microsoft/microsoft-graph-types';
import { changeKey, exchangeId, uuid } from '../util/ids';
import { graphDate } from '../util/time';
import { ChangeLog } from './change-log';
import type { ChangeKind, MailEvent, StoredAttachment, StoredFolder, StoredMessage } from './types';

const WELL_KNOWN: [string, string][] = [
  ['inbox', 'Inbox'],
  ['drafts', 'Drafts'],
  ['sentitems', 'Sent Items'],
  ['deleteditems', 'Deleted Items'],
  ['archive', 'Archive'],
  ['junkemail', 'Junk Email'],
];

/** Properties a client may PATCH on a received message. */
const PATCHABLE = new Set(['isRead', 'categories', 'flag', 'importance', 'inferenceClassification']);

export type InjectInput = Omit<Message, 'attachments'> & {
  attachments?: (FileAttachment & { '@odata.type'?: string })[] | null;
};

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

/** One simulated mailbox: folders, messages, per-scope change logs for delta, and a cursor epoch. */
export class Mailbox {
  readonly id = uuid();
  readonly displayName: string;
  readonly rootFolderId = exchangeId('AAMkAGRoot');
  readonly folders = new Map<string, StoredFolder>();
  readonly messages = new Map<string, StoredMessage>();
  readonly logs = new Map<string, ChangeLog>([['*', new ChangeLog()]]);
  /** Incremented by expire-delta: cursors of an older epoch answer syncStateNotFound. */
  epoch = 1;
  seq = 0;

  constructor(
    readonly address: string,
    private readonly onEvent: (mb: Mailbox, ev: MailEvent) => void,
  ) {
    this.displayName = address.split('@')[0];
    for (const [wk, name] of WELL_KNOWN) {
      const id = exchangeId('AAMkAGFolder');
      this.folders.set(id, {
        id,
        wellKnownName: wk,
        data: {
          id,
          displayName: name,
          parentFolderId: this.rootFolderId,
          childFolderCount: 0,
          unreadItemCount: 0,
          totalItemCount: 0,
          isHidden: false,
        },
      });
      this.logs.set(id, new ChangeLog());
    }
  }

  folder(idOrName: string): StoredFolder | undefined {
    const byId = this.folders.get(idOrName);
    if (byId) return byId;
    const lower = idOrName.toLowerCase();
    for (const f of this.folders.values()) if (f.wellKnownName === lower) return f;
    return undefined;
  }

  inbox(): StoredFolder {
    const f = this.folder('inbox');
    if (!f) throw new Error('inbox missing');
    return f;
  }

  private log(scope: string): ChangeLog {
    let l = this.logs.get(scope);
    if (!l) {
      l = new ChangeLog();
      this.logs.set(scope, l);
    }
    return l;
  }

  private record(folderId: string, messageId: string, kind: ChangeKind, mailboxKind: ChangeKind = kind): number {
    const seq = ++this.seq;
    this.log(folderId).record(seq, messageId, kind);
    this.log('*').record(seq, messageId, mailboxKind);
    return seq;
  }

  /** Adds a message (Graph JSON, attachments with base64 contentBytes) to a folder (default inbox). */
  inject(input: InjectInput, folderId?: string): StoredMessage {
    const folder = (folderId && this.folder(folderId)) || this.inbox();
    const now = new Date();
    const id = exchangeId();
    const received = normalizeDate(input.receivedDateTime) ?? graphDate(now);
    const attachments: StoredAttachment[] = (input.attachments ?? []).map((a) => {
      const bytes = Buffer.from(a.contentBytes ?? '', 'base64');
      return {
        bytes,
        meta: {
          '@odata.type': '#microsoft.graph.fileAttachment',
          id: exchangeId('AAMkAGAtt'),
          lastModifiedDateTime: graphDate(now),
          name: a.name ?? 'attachment',
          contentType: a.contentType ?? 'application/octet-stream',
          size: bytes.length,
          isInline: a.isInline ?? false,
          contentId: a.contentId ?? null,
          contentLocation: a.contentLocation ?? null,
        },
      };
    });
    const ck = changeKey();
    const data: Message = {
      id,
      createdDateTime: graphDate(now),
      lastModifiedDateTime: graphDate(now),
      changeKey: ck,
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
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
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
    const stored: StoredMessage = { data, attachments, seq: 0 };
    this.messages.set(id, stored);
    stored.seq = this.record(folder.id, id, 'created');
    this.onEvent(this, { kind: 'created', messageId: id, folderId: folder.id });
    return stored;
  }

  /** PATCH: returns an error text for a property that cannot be changed. */
  update(id: string, patch: Record<string, unknown>): StoredMessage | string {
    const m = this.messages.get(id);
    if (!m) return 'not found';
    for (const k of Object.keys(patch))
      if (!PATCHABLE.has(k)) return `Property '${k}' is read-only or cannot be updated on a received message.`;
    if ('isRead' in patch) m.data.isRead = Boolean(patch.isRead);
    if ('categories' in patch && Array.isArray(patch.categories)) m.data.categories = patch.categories.map(String);
    if ('flag' in patch && typeof patch.flag === 'object') m.data.flag = patch.flag as FollowupFlag;
    if ('importance' in patch) m.data.importance = patch.importance as Message['importance'];
    if ('inferenceClassification' in patch)
      m.data.inferenceClassification = patch.inferenceClassification as Message['inferenceClassification'];
    m.data.lastModifiedDateTime = graphDate(new Date());
    m.data.changeKey = changeKey();
    const folderId = m.data.parentFolderId ?? '';
    m.seq = this.record(folderId, id, 'updated');
    this.onEvent(this, { kind: 'updated', messageId: id, folderId });
    return m;
  }

  /** Move: like Graph without the ImmutableId preference, the moved message gets a new id (kept with keepId). */
  move(id: string, destination: string, keepId = false): StoredMessage | undefined {
    const m = this.messages.get(id);
    const dest = this.folder(destination);
    if (!m || !dest) return undefined;
    const from = m.data.parentFolderId ?? '';
    const newId = keepId ? id : exchangeId();
    const moved: StoredMessage = {
      data: {
        ...m.data,
        id: newId,
        parentFolderId: dest.id,
        lastModifiedDateTime: graphDate(new Date()),
        changeKey: changeKey(),
      },
      attachments: m.attachments,
      seq: 0,
    };
    this.messages.delete(id);
    this.messages.set(newId, moved);
    if (keepId) {
      // Same id: the folders see a removal and an addition, the whole mailbox an update.
      const seq = ++this.seq;
      this.log(from).record(seq, id, 'removed');
      this.log(dest.id).record(seq, id, 'created');
      this.log('*').record(seq, id, 'updated');
      moved.seq = seq;
    } else {
      this.record(from, id, 'removed');
      moved.seq = this.record(dest.id, newId, 'created');
    }
    this.onEvent(this, { kind: 'deleted', messageId: id, folderId: from });
    this.onEvent(this, { kind: 'created', messageId: newId, folderId: dest.id });
    return moved;
  }

  remove(id: string): boolean {
    const m = this.messages.get(id);
    if (!m) return false;
    this.messages.delete(id);
    const folderId = m.data.parentFolderId ?? '';
    this.record(folderId, id, 'removed');
    this.onEvent(this, { kind: 'deleted', messageId: id, folderId });
    return true;
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
