// The parts of Graph's resources MS1 reads (it `$select`s exactly these). Deliberately not the simulator's types.

export interface GraphEmailAddress {
  emailAddress?: { name?: string | null; address?: string | null } | null;
}

export interface GraphAttachment {
  '@odata.type'?: string;
  id: string;
  name?: string | null;
  contentType?: string | null;
  size?: number;
  isInline?: boolean;
  /** Base64 content of a fileAttachment, when the response carries it. */
  contentBytes?: string | null;
}

export interface GraphMessage {
  id: string;
  subject?: string | null;
  from?: GraphEmailAddress | null;
  receivedDateTime?: string | null;
  internetMessageId?: string | null;
  hasAttachments?: boolean | null;
  bodyPreview?: string | null;
  isRead?: boolean | null;
  attachments?: GraphAttachment[];
  '@removed'?: { reason?: string };
}

/** Where an attachment's content went while its delta page streamed by. */
export type AttachmentContent =
  /** Decoded, hashed and written to the attachment store as it arrived. */
  | { kind: 'stored'; sha256: string; storageRef: string; size: number }
  /** Over MAX_ATTACHMENT_BYTES: counted and discarded as it arrived, never buffered. */
  | { kind: 'too-large'; size: number }
  /** Content MS1 does not keep (an inline image, a non-file attachment): counted and discarded. */
  | { kind: 'discarded'; size: number }
  /** The page carried no content for it. */
  | { kind: 'absent' };

/** An attachment of a delta page: its metadata, and where its bytes went instead of the bytes. */
export type DeltaAttachment = Omit<GraphAttachment, 'contentBytes'> & { content: AttachmentContent };

/** A message of a delta page: metadata only; attachment bytes are already in the store. */
export type DeltaMessage = Omit<GraphMessage, 'attachments' | '@removed'> & { attachments: DeltaAttachment[] };

export interface DeltaPage {
  messages: DeltaMessage[];
  /** Ids of messages deleted (or moved out of the folder) since the cursor. */
  removed: string[];
  nextLink: string | null;
  deltaLink: string | null;
  /** Size of the response body, to keep pages within the byte budget. */
  bytes: number;
}

export interface BatchRequest {
  id: string;
  method: 'GET' | 'PATCH' | 'POST' | 'DELETE';
  /** Relative to the version root, e.g. `/users/{id}/messages/{id}`. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Ids of requests of the same batch that must succeed first (one level). */
  dependsOn?: string[];
}

export interface GraphFolder {
  id: string;
  displayName?: string | null;
  childFolderCount?: number | null;
}

/** What an after-action changes on a message: read flag and categories in one PATCH, then a move. */
export interface MessageChanges {
  patch?: { isRead?: boolean; categories?: string[] };
  /** Destination folder id (or well-known name). */
  moveTo?: string;
}

export interface BatchResponse {
  id: string;
  status: number;
  body: unknown;
}

export interface GraphSubscription {
  id: string;
  resource: string;
  expirationDateTime: string;
  notificationUrl?: string;
  clientState?: string | null;
}

/** Which mailbox a call is for (the limiter's key) and, when known, which session to count it against. */
export interface GraphCaller {
  mailboxId: string;
  sessionId?: string;
}

export const MESSAGE_SELECT = [
  'id',
  'subject',
  'from',
  'receivedDateTime',
  'internetMessageId',
  'hasAttachments',
  'bodyPreview',
  'isRead',
] as const;
