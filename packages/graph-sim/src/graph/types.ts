import type { Mailbox } from '../state/mailbox';

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
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON body (undefined for 204), or raw bytes. */
  body?: unknown;
  raw?: Buffer;
  /** The JSON body serialized once (set by the pipeline; reused for size accounting and sending). */
  encoded?: Buffer;
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
  | 'attachments'
  | 'attachment'
  | 'attachmentValue'
  | 'subscriptions'
  | 'batch';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): GraphResponse {
  return { status, body, headers };
}
