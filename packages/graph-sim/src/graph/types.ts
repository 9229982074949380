import type { ByteSource } from '../content/byte-source';
import type { Mailbox } from '../state/mailbox';
import type { IdView } from '../state/types';

/** A Graph request, from Express or from inside a $batch. */
export interface GraphRequest {
  method: string;
  /** Path after /v1.0, e.g. /users/a@b/messages (percent-decoded per segment later). */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
  /** e.g. https://127.0.0.1:PORT/v1.0 */
  baseUrl: string;
  requestId: string;
  clientRequestId: string;
  /** Set for the inner requests of a $batch. */
  inBatch?: boolean;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON body (undefined for 204); big base64 strings in it are Base64Value leaves, encoded only when sent. */
  body?: unknown;
  /** A raw body ($value), with its content-type in headers. */
  raw?: ByteSource;
  /** The bytes to send (set once by wireOf). */
  wire?: ByteSource;
}

/** Who calls, from the verified access token. */
export interface Caller {
  appId: string;
  tenantId: string;
  /** Delegated tokens: the signed-in user's id (for /me). */
  userId?: string;
}

export interface HandlerInput {
  req: GraphRequest;
  caller: Caller;
  params: Record<string, string>;
  mailbox?: Mailbox;
  /** Ids as the request asked for them (`Prefer: IdType="ImmutableId"`), or default ids. */
  view: IdView;
}

export type GraphHandler = (input: HandlerInput) => Promise<GraphResponse> | GraphResponse;

export type EndpointKind =
  | 'user'
  | 'mailFolders'
  | 'list'
  | 'delta'
  | 'message'
  | 'messageUpdate'
  | 'move'
  | 'messageValue'
  | 'folderCreate'
  | 'attachments'
  | 'attachment'
  | 'attachmentValue'
  | 'subscriptions'
  | 'batch';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): GraphResponse {
  return { status, body, headers };
}
