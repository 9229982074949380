import type { FileAttachment, FollowupFlag, Message } from '@microsoft/microsoft-graph-types';
import type { ContentStore } from '../content/content-store';
import { changeKey, exchangeId, uuid } from '../util/ids';
import { graphDate } from '../util/time';
import { ChangeLog } from './change-log';
import { FolderTree } from './folders';
import { newMessage, type NewAttachment } from './new-message';
import { checkPatch } from './patch';
import type { ChangeKind, IdView, MailEvent, StoredFolder, StoredMessage } from './types';

/** Graph message JSON as injected, attachments with base64 contentBytes. */
export type InjectInput = Omit<Message, 'attachments'> & {
  attachments?: (FileAttachment & { '@odata.type'?: string })[] | null;
};

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
  /** Bumped when a message arrives, moves or goes: what a folder holds, in what order, changed. */
  membershipVersion = 0;

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
    const key = exchangeId();
    const { data, attachments } = newMessage(input, newAttachments, {
      key,
      folderId: folder.id,
      owner: { name: this.displayName, address: this.address },
    });
    const stored: StoredMessage = { key, restId: key, data, attachments };
    this.messages.set(key, stored);
    this.byRestId.set(key, key);
    this.membershipVersion++;
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
    this.membershipVersion++;
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
    this.membershipVersion++;
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
