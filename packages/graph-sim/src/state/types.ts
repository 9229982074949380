import type { FileAttachment, MailFolder, Message } from '@microsoft/microsoft-graph-types';
import type { ByteSource } from '../content/byte-source';

/** An attachment as stored: Graph metadata (without contentBytes) and its bytes (memory or spool, never a string). */
export interface StoredAttachment {
  meta: Omit<FileAttachment, 'contentBytes'> & { '@odata.type': '#microsoft.graph.fileAttachment'; id: string };
  content: ByteSource;
}

/**
 * A message as stored. `key` is its immutable id (what `Prefer: IdType="ImmutableId"` answers, and what the admin
 * API returns); `restId` is its default id, equal to the key until the message is first moved, new at every move.
 * `data` holds the Graph properties; its `id` is written per request (immutable or default).
 */
export interface StoredMessage {
  key: string;
  restId: string;
  data: Message;
  attachments: StoredAttachment[];
}

export interface StoredFolder {
  id: string;
  data: MailFolder;
  wellKnownName: string | null;
}

export type ChangeKind = 'created' | 'updated' | 'removed';

/** How a client asked for ids: immutable (`Prefer: IdType="ImmutableId"`) or default. */
export type IdView = 'immutable' | 'rest';

/**
 * One entry of a scope's change log (a scope is a folder id, or '*' for the whole mailbox). The same change may
 * read differently per id view: moving a message is an update of one immutable id for the whole mailbox, but the
 * removal of one default id and the creation of another. A null kind means "nothing to see in that view".
 */
export interface ChangeEntry {
  seq: number;
  key: string;
  restId: string;
  kinds: Record<IdView, ChangeKind | null>;
}

/** A change that subscriptions hear about; `moved` marks the two halves of a move. */
export interface MailEvent {
  kind: 'created' | 'updated' | 'deleted';
  key: string;
  restId: string;
  folderId: string;
  moved?: boolean;
}
