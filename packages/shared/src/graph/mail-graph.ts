import {
  AuthenticationHandler,
  Client,
  GraphError,
  GraphRequest,
  HTTPMessageHandler,
  RedirectHandler,
  ResponseType,
} from '@microsoft/microsoft-graph-client';
import { Readable } from 'node:stream';
import { errorMessage, PermanentError, RetryableError, ThrottledError } from '../errors';
import { parseRetryAfter } from '../http/retry-after';
import { readDeltaPage, type AttachmentSink } from './delta';
import type { TokenProvider } from './token-provider';
import { DeltaExpiredError, GraphRequestError } from './errors';
import type { MailboxLimiter, RequestCost } from './mailbox-limiter';
import {
  MESSAGE_SELECT,
  type BatchRequest,
  type BatchResponse,
  type GraphCaller,
  type DeltaPage,
  type GraphAttachment,
  type GraphSubscription,
} from './types';

export interface GraphCallEvent {
  caller: GraphCaller;
  status: number;
  throttled: boolean;
}

export interface MailGraphOptions {
  baseUrl: string;
  tokens: TokenProvider;
  limiter: MailboxLimiter;
  /** Called after every Graph request (for session counters and metrics). */
  onCall?: (e: GraphCallEvent) => void;
  /** How often an inner 429 of a `$batch` is retried before giving up on that request. */
  batchRetries?: number;
  /** Upper bound of a Retry-After (GRAPH_RETRY_AFTER_MAX_SECONDS); default 10 minutes, Graph's request window. */
  retryAfterMaxMs?: number;
}

const DEFAULT_BACKOFF_MS = 2000;
const MAX_BACKOFF_MS = 60_000;
const DEFAULT_RETRY_AFTER_MAX_MS = 600_000;

/**
 * The one door to Microsoft Graph's mail API for every app. Built on @microsoft/microsoft-graph-client without its
 * retry handler: throttling is ours. Every request passes the per-mailbox limiter (shared by all processes); a 429
 * pauses the mailbox for Retry-After for everyone and surfaces as ThrottledError, so the job is delayed, not failed.
 */
export class MailGraph {
  private readonly client: Client;
  private readonly versionRoot: string;
  /** Consecutive 429s per mailbox in this process: without Retry-After, the pause doubles each time. */
  private readonly throttleStreak = new Map<string, number>();

  constructor(private readonly opts: MailGraphOptions) {
    const url = new URL(opts.baseUrl);
    const [version = 'v1.0', ...rest] = url.pathname.split('/').filter(Boolean).reverse();
    const hostRoot = `${url.origin}${rest.length ? `/${rest.reverse().join('/')}` : ''}`;
    this.versionRoot = `${hostRoot}/${version}`;
    const auth = new AuthenticationHandler({ getAccessToken: () => opts.tokens.getToken() });
    const redirect = new RedirectHandler();
    auth.setNext(redirect);
    redirect.setNext(new HTTPMessageHandler());
    this.client = Client.initWithMiddleware({
      middleware: auth,
      baseUrl: hostRoot,
      defaultVersion: version,
      customHosts: new Set([url.hostname]),
    });
  }

  private user(mailboxId: string): string {
    return `/users/${encodeURIComponent(mailboxId)}`;
  }

  /**
   * One page of a folder's message delta, with attachments expanded. `link` is a nextLink or deltaLink, or null to
   * start. The body is parsed as it arrives and each attachment's bytes go straight to `attachments` (the store), so
   * memory does not grow with the page; the mailbox's limiter slot is held until the body is read to its end. A body
   * that fails or is cut mid-way rejects with RetryableError, and nothing of it is returned.
   */
  async deltaPage(
    caller: GraphCaller,
    folder: string,
    link: string | null,
    pageSize: number,
    attachments: AttachmentSink,
  ): Promise<DeltaPage> {
    const path =
      link ??
      `${this.versionRoot}${this.user(caller.mailboxId)}/mailFolders/${encodeURIComponent(folder)}/messages/delta?$select=${MESSAGE_SELECT.join(',')}&$expand=attachments`;
    return this.call(
      caller,
      async () => {
        const res = await answer(this.client.api(path).header('Prefer', `odata.maxpagesize=${pageSize}`));
        if (!res.body) throw new RetryableError('Graph delta answered without a body');
        try {
          return await readDeltaPage(Readable.fromWeb(res.body), attachments);
        } catch (err) {
          throw new RetryableError(
            `delta page of ${caller.mailboxId} failed while streaming: ${messageWithCause(err)}`,
            {
              cause: err,
            },
          );
        }
      },
      'delta',
    );
  }

  async listAttachments(caller: GraphCaller, messageId: string): Promise<GraphAttachment[]> {
    const res = (await this.call(caller, () =>
      this.client
        .api(`${this.user(caller.mailboxId)}/messages/${encodeURIComponent(messageId)}/attachments`)
        .select(['id', 'name', 'contentType', 'size', 'isInline'])
        .get(),
    )) as { value?: GraphAttachment[] };
    return res.value ?? [];
  }

  /** The raw bytes of one attachment (`/$value`), for what a delta page could not carry. */
  async attachmentContent(caller: GraphCaller, messageId: string, attachmentId: string): Promise<Buffer> {
    const path = `${this.user(caller.mailboxId)}/messages/${encodeURIComponent(messageId)}/attachments/${encodeURIComponent(attachmentId)}/$value`;
    return this.call(caller, async () => Buffer.from(await (await answer(this.client.api(path))).arrayBuffer()));
  }

  /**
   * Up to 20 requests in one `$batch`. Inner 429s are retried by us (after their Retry-After, paused for everyone);
   * other inner answers are returned as they are.
   */
  async batch(caller: GraphCaller, requests: BatchRequest[]): Promise<BatchResponse[]> {
    if (requests.length > 20) throw new Error('a $batch holds at most 20 requests');
    const done = new Map<string, BatchResponse>();
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const cost: RequestCost = { weight: pending.length, slots: Math.min(4, pending.length) };
      const res = (await this.call(
        caller,
        () => this.client.api('/$batch').post({ requests: pending }),
        'batch',
        cost,
      )) as { responses?: { id: string; status: number; body?: unknown; headers?: Record<string, string> }[] };
      const throttled: BatchRequest[] = [];
      let retryAfterMs = 0;
      for (const r of res.responses ?? []) {
        if (r.status === 429 && attempt < (this.opts.batchRetries ?? 5)) {
          const req = pending.find((p) => p.id === r.id);
          if (req) throttled.push(req);
          const waitMs = this.retryAfter(headerValue(r.headers, 'retry-after')) ?? DEFAULT_BACKOFF_MS;
          retryAfterMs = Math.max(retryAfterMs, waitMs);
        } else {
          done.set(r.id, { id: r.id, status: r.status, body: r.body ?? null });
        }
      }
      if (throttled.length > 0) {
        this.opts.onCall?.({ caller, status: 429, throttled: true });
        await this.opts.limiter.pause(caller.mailboxId, retryAfterMs);
      }
      pending = throttled;
    }
    return requests.map((r) => done.get(r.id) ?? { id: r.id, status: 0, body: null });
  }

  /** Marks messages read with `$batch` requests of 20. Returns how many Graph accepted. */
  async markRead(caller: GraphCaller, messageIds: string[]): Promise<number> {
    let ok = 0;
    for (let i = 0; i < messageIds.length; i += 20) {
      const chunk = messageIds.slice(i, i + 20).map((id, n) => ({
        id: String(n + 1),
        method: 'PATCH' as const,
        url: `${this.user(caller.mailboxId)}/messages/${encodeURIComponent(id)}`,
        body: { isRead: true },
        headers: { 'Content-Type': 'application/json' },
      }));
      ok += (await this.batch(caller, chunk)).filter((r) => r.status >= 200 && r.status < 300).length;
    }
    return ok;
  }

  async createSubscription(
    caller: GraphCaller,
    sub: {
      resource: string;
      notificationUrl: string;
      lifecycleNotificationUrl: string;
      clientState: string;
      expirationDateTime: string;
    },
  ): Promise<GraphSubscription> {
    return (await this.call(
      caller,
      () => this.client.api('/subscriptions').post({ changeType: 'created', ...sub }),
      'subscription',
    )) as GraphSubscription;
  }

  async renewSubscription(caller: GraphCaller, id: string, expirationDateTime: string): Promise<GraphSubscription> {
    return (await this.call(
      caller,
      () => this.client.api(`/subscriptions/${encodeURIComponent(id)}`).patch({ expirationDateTime }),
      'subscription',
    )) as GraphSubscription;
  }

  async deleteSubscription(caller: GraphCaller, id: string): Promise<void> {
    try {
      await this.call(
        caller,
        () => this.client.api(`/subscriptions/${encodeURIComponent(id)}`).delete(),
        'subscription',
      );
    } catch (err) {
      if (!(err instanceof GraphRequestError && err.status === 404)) throw err;
    }
  }

  /** Runs one request under the mailbox's limiter and turns Graph's answers into the project's error classes. */
  private async call<T>(caller: GraphCaller, fn: () => Promise<T>, what = 'request', cost?: RequestCost): Promise<T> {
    return this.opts.limiter.run(
      caller.mailboxId,
      async () => {
        try {
          const result = await fn();
          this.throttleStreak.delete(caller.mailboxId);
          this.opts.onCall?.({ caller, status: 200, throttled: false });
          return result;
        } catch (err) {
          if (err instanceof RetryableError || err instanceof ThrottledError || err instanceof PermanentError) {
            this.opts.onCall?.({ caller, status: 0, throttled: false });
            throw err;
          }
          throw await this.translate(caller, err, what);
        }
      },
      cost,
    );
  }

  private retryAfter(value: string | null | undefined): number | null {
    return parseRetryAfter(value, { maxMs: this.opts.retryAfterMaxMs ?? DEFAULT_RETRY_AFTER_MAX_MS });
  }

  private async translate(caller: GraphCaller, err: unknown, what: string): Promise<Error> {
    if (!(err instanceof GraphError)) {
      this.opts.onCall?.({ caller, status: 0, throttled: false });
      return new RetryableError(`Graph ${what} failed: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    const status = err.statusCode;
    this.opts.onCall?.({ caller, status, throttled: status === 429 });
    if (status === 429) {
      const streak = (this.throttleStreak.get(caller.mailboxId) ?? 0) + 1;
      this.throttleStreak.set(caller.mailboxId, streak);
      const waitMs =
        this.retryAfter(err.headers?.get('Retry-After')) ??
        Math.min(MAX_BACKOFF_MS, DEFAULT_BACKOFF_MS * 2 ** (streak - 1));
      await this.opts.limiter.pause(caller.mailboxId, waitMs);
      return new ThrottledError(
        `Graph throttled ${caller.mailboxId} (${err.code ?? 'TooManyRequests'}); retry in ${waitMs} ms`,
        waitMs,
      );
    }
    if (status === 410 || err.code === 'syncStateNotFound' || err.code === 'SyncStateNotFound')
      return new DeltaExpiredError(`delta cursor expired for ${caller.mailboxId}`);
    if (status >= 500 || status === 0 || status === -1)
      return new RetryableError(`Graph ${what} answered ${status} ${err.code ?? ''}`.trim());
    if (status === 401) {
      this.opts.tokens.invalidate(); // the next request gets a fresh token
      return new RetryableError(`Graph ${what} answered 401 (token refused)`);
    }
    return new GraphRequestError(
      `Graph ${what} answered ${status} ${err.code ?? ''}: ${err.message}`.trim(),
      status,
      err.code ?? null,
    );
  }
}

/** An error's message and its cause's (a stream error often says what happened only in its cause). */
function messageWithCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return `${err.message}${cause}`;
}

/**
 * A request answered raw. The SDK's TEXT and ARRAYBUFFER modes throw a failed answer's body alone, without its
 * headers or error code (a 429's Retry-After and a 410's syncStateNotFound went unseen); here a failed answer
 * becomes the GraphError a JSON call gets, with its code and headers.
 */
async function answer(request: GraphRequest): Promise<Response> {
  const res: unknown = await request.responseType(ResponseType.RAW).get();
  if (!isResponse(res)) throw new Error('the Graph client returned no HTTP response');
  if (res.ok) return res;
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: the status alone speaks
  }
  const error =
    typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'object'
      ? parsed.error
      : null;
  const field = (name: string): string | null => {
    const v: unknown = error && name in error ? Reflect.get(error, name) : null;
    return typeof v === 'string' ? v : null;
  };
  const err = new GraphError(res.status, field('message') ?? text.slice(0, 300));
  err.code = field('code');
  err.headers = res.headers;
  err.body = text;
  throw err;
}

/** Structural, not `instanceof`: the SDK's fetch may come from another realm (test sandboxes). */
function isResponse(v: unknown): v is Response {
  return typeof v === 'object' && v !== null && 'ok' in v && 'status' in v && 'headers' in v && 'arrayBuffer' in v;
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | null {
  if (!headers) return null;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return null;
}
