import type { FileAttachment, MailFolder, Message } from '@microsoft/microsoft-graph-types';

/** An attachment as stored: Graph metadata (without contentBytes) plus the raw bytes, decoded once. */
export interface StoredAttachment {
  meta: FileAttachment & { '@odata.type': '#microsoft.graph.fileAttachment' };
  bytes: Buffer;
}

/** A message as stored: Graph properties (attachments kept apart) and bookkeeping. */
export interface StoredMessage {
  data: Message;
  attachments: StoredAttachment[];
  /** Sequence number of the last change to this message. */
  seq: number;
}

export interface StoredFolder {
  id: string;
  data: MailFolder;
  wellKnownName: string | null;
}

export type ChangeKind = 'created' | 'updated' | 'removed';

/** One entry of a scope's change log (a scope is a folder id, or '*' for the whole mailbox). */
export interface ChangeEntry {
  seq: number;
  messageId: string;
  kind: ChangeKind;
}

export type MailEvent = { kind: 'created' | 'updated' | 'deleted'; messageId: string; folderId: string };
