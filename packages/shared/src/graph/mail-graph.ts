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
import { readDeltaPage, type AttachmentSink, type StoreFilter } from './delta';
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
  type GraphFolder,
  type GraphSubscription,
  type MessageChanges,
} from './types';

/**
 * Every request asks for immutable ids: a message keeps its id when it is moved (by us or by a user), so a move
 * never makes it look new, and the seen-set, job ids and invoice keys hold across folders.
 */
export const IMMUTABLE_IDS = 'IdType="ImmutableId"';

/** How a delta chain starts (only when it has no link yet). */
export interface DeltaStart {
  /** Only messages received at or after this instant (ISO-8601): `$filter=receivedDateTime ge ...`. */
  receivedSince?: string;
}

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

  /** A request of the SDK with immutable ids asked for. */
  private api(path: string): GraphRequest {
    return this.client.api(path).header('Prefer', IMMUTABLE_IDS);
  }

  /**
   * One page of a folder's message delta, with attachments expanded. `folderId` is a folder id or well-known name;
   * `link` is a nextLink or deltaLink, or null to start. The body is parsed as it arrives and each attachment's
   * bytes go straight to `attachments` (the store), unless `filter` refuses them, so memory does not grow with the
   * page; the mailbox's limiter slot is held until the body is read to its end. A body that fails or is cut mid-way
   * rejects with RetryableError, and nothing of it is returned.
   */
  async deltaPage(
    caller: GraphCaller,
    folderId: string,
    link: string | null,
    pageSize: number,
    attachments: AttachmentSink,
    filter?: StoreFilter,
    options: DeltaStart = {},
  ): Promise<DeltaPage> {
    let request: GraphRequest;
    if (link) request = this.client.api(link);
    else {
      request = this.client
        .api(`${this.folderPath(caller, folderId)}/messages/delta`)
        .select([...MESSAGE_SELECT])
        .expand('attachments');
      // Message delta's one filter; the chain then carries it in its links.
      if (options.receivedSince) request = request.filter(`receivedDateTime ge ${options.receivedSince}`);
    }
    return this.streamedPage(
      caller,
      request.header('Prefer', `odata.maxpagesize=${pageSize}, ${IMMUTABLE_IDS}`),
      attachments,
      filter,
      'delta',
    );
  }

  /**
   * One page of a folder's messages received in [range.from, range.to), oldest first, attachments expanded and
   * streamed to the store as delta pages are: `$filter=receivedDateTime ge A and receivedDateTime lt B`,
   * `$orderby=receivedDateTime`, `$top`, `$skip` (list messages supports them all). The answer has the delta page's
   * shape; its nextLink only says whether more follow (the caller pages by receivedDateTime, not by the link).
   */
  async rangePage(
    caller: GraphCaller,
    folderId: string,
    range: { from: string; to: string; skip: number },
    pageSize: number,
    attachments: AttachmentSink,
    filter?: StoreFilter,
  ): Promise<DeltaPage> {
    let request = this.client
      .api(`${this.folderPath(caller, folderId)}/messages`)
      .select([...MESSAGE_SELECT])
      .expand('attachments')
      .filter(`receivedDateTime ge ${range.from} and receivedDateTime lt ${range.to}`)
      .orderby('receivedDateTime')
      .top(pageSize);
    if (range.skip > 0) request = request.skip(range.skip);
    return this.streamedPage(caller, request.header('Prefer', IMMUTABLE_IDS), attachments, filter, 'list');
  }

  /** How many messages a folder holds (its `totalItemCount`). */
  async folderItemCount(caller: GraphCaller, folderId: string): Promise<number> {
    const folder = (await this.call(
      caller,
      () => this.api(this.folderPath(caller, folderId)).select(['id', 'totalItemCount']).get(),
      'folders',
    )) as { totalItemCount?: number | null };
    return folder.totalItemCount ?? 0;
  }

  /**
   * The receivedDateTime of the message at `rank` in a folder, oldest first (rank 0: the oldest), or null when the
   * folder holds fewer messages (one `$top=1` request).
   */
  async receivedAtRank(caller: GraphCaller, folderId: string, rank: number): Promise<string | null> {
    const page = (await this.call(
      caller,
      () => {
        let request = this.api(`${this.folderPath(caller, folderId)}/messages`)
          .select(['id', 'receivedDateTime'])
          .orderby('receivedDateTime')
          .top(1);
        if (rank > 0) request = request.skip(rank);
        return request.get();
      },
      'list',
    )) as { value?: { receivedDateTime?: string | null }[] };
    return page.value?.[0]?.receivedDateTime ?? null;
  }

  private folderPath(caller: GraphCaller, folderId: string): string {
    return `${this.versionRoot}${this.user(caller.mailboxId)}/mailFolders/${encodeURIComponent(folderId)}`;
  }

  /** A page read as a stream under the mailbox's limiter (see deltaPage). */
  private streamedPage(
    caller: GraphCaller,
    request: GraphRequest,
    attachments: AttachmentSink,
    filter: StoreFilter | undefined,
    what: string,
  ): Promise<DeltaPage> {
    return this.call(
      caller,
      async () => {
        const res = await answer(request);
        if (!res.body) throw new RetryableError(`Graph ${what} answered without a body`);
        try {
          return await readDeltaPage(Readable.fromWeb(res.body), attachments, filter);
        } catch (err) {
          throw new RetryableError(
            `${what} page of ${caller.mailboxId} failed while streaming: ${messageWithCause(err)}`,
            { cause: err },
          );
        }
      },
      what,
    );
  }

  async listAttachments(caller: GraphCaller, messageId: string): Promise<GraphAttachment[]> {
    const res = (await this.call(caller, () =>
      this.api(`${this.user(caller.mailboxId)}/messages/${encodeURIComponent(messageId)}/attachments`)
        .select(['id', 'name', 'contentType', 'size', 'isInline'])
        .get(),
    )) as { value?: GraphAttachment[] };
    return res.value ?? [];
  }

  /** The raw bytes of one attachment (`/$value`), for what a delta page could not carry. */
  async attachmentContent(caller: GraphCaller, messageId: string, attachmentId: string): Promise<Buffer> {
    const path = `${this.user(caller.mailboxId)}/messages/${encodeURIComponent(messageId)}/attachments/${encodeURIComponent(attachmentId)}/$value`;
    return this.call(caller, async () => Buffer.from(await (await answer(this.api(path))).arrayBuffer()));
  }

  /** The folders directly below a folder (id or well-known name; `msgfolderroot` for the top level), every page. */
  async childFolders(caller: GraphCaller, parent: string): Promise<GraphFolder[]> {
    const folders: GraphFolder[] = [];
    let path: string | null =
      `${this.user(caller.mailboxId)}/mailFolders/${encodeURIComponent(parent)}/childFolders?$select=id,displayName,childFolderCount&$top=100`;
    while (path) {
      const current: string = path;
      const page = (await this.call(caller, () => this.api(current).get(), 'folders')) as {
        value?: GraphFolder[];
        '@odata.nextLink'?: string;
      };
      folders.push(...(page.value ?? []));
      path = page['@odata.nextLink'] ?? null;
    }
    return folders;
  }

  /** The child folder of that display name (case-insensitive, as Outlook compares them), or null. */
  async findChildFolder(caller: GraphCaller, parent: string, displayName: string): Promise<GraphFolder | null> {
    const literal = displayName.replace(/'/g, "''");
    const page = (await this.call(
      caller,
      () =>
        this.api(`${this.user(caller.mailboxId)}/mailFolders/${encodeURIComponent(parent)}/childFolders`)
          .filter(`displayName eq '${literal}'`)
          .select(['id', 'displayName', 'childFolderCount'])
          .get(),
      'folders',
    )) as { value?: GraphFolder[] };
    return page.value?.find((f) => f.displayName?.toLowerCase() === displayName.toLowerCase()) ?? null;
  }

  /** Creates a child folder; when one of that name exists already (a race), answers it. */
  async createChildFolder(caller: GraphCaller, parent: string, displayName: string): Promise<GraphFolder> {
    try {
      return (await this.call(
        caller,
        () =>
          this.api(`${this.user(caller.mailboxId)}/mailFolders/${encodeURIComponent(parent)}/childFolders`).post({
            displayName,
          }),
        'folders',
      )) as GraphFolder;
    } catch (err) {
      if (!(err instanceof GraphRequestError && err.status === 409)) throw err;
      const existing = await this.findChildFolder(caller, parent, displayName);
      if (!existing) throw err;
      return existing;
    }
  }

  /** A message's categories, or null when the message is gone. */
  async messageCategories(caller: GraphCaller, messageId: string): Promise<string[] | null> {
    try {
      const m = (await this.call(
        caller,
        () =>
          this.api(`${this.user(caller.mailboxId)}/messages/${encodeURIComponent(messageId)}`)
            .select(['id', 'categories'])
            .get(),
        'message',
      )) as { categories?: string[] | null };
      return m.categories ?? [];
    } catch (err) {
      if (err instanceof GraphRequestError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * Changes one message in a single `$batch`: a PATCH of `isRead` and `categories`, then a move that depends on it.
   * Answers each inner request's status (the PATCH's first, then the move's), 0 for one that was not answered.
   */
  async changeMessage(caller: GraphCaller, messageId: string, changes: MessageChanges): Promise<BatchResponse[]> {
    const url = `${this.user(caller.mailboxId)}/messages/${encodeURIComponent(messageId)}`;
    const headers = { 'Content-Type': 'application/json', Prefer: IMMUTABLE_IDS };
    const requests: BatchRequest[] = [];
    if (changes.patch) requests.push({ id: 'patch', method: 'PATCH', url, body: changes.patch, headers });
    if (changes.moveTo)
      requests.push({
        id: 'move',
        method: 'POST',
        url: `${url}/move`,
        body: { destinationId: changes.moveTo },
        headers,
        ...(changes.patch ? { dependsOn: ['patch'] } : {}),
      });
    if (requests.length === 0) return [];
    return this.batch(caller, requests);
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
      // A retried request may depend only on requests retried with it (the others already succeeded or failed).
      pending = throttled.map(({ dependsOn, ...r }) => {
        const still = dependsOn?.filter((id) => throttled.some((t) => t.id === id)) ?? [];
        return still.length > 0 ? { ...r, dependsOn: still } : r;
      });
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
        headers: { 'Content-Type': 'application/json', Prefer: IMMUTABLE_IDS },
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
      () => this.api('/subscriptions').post({ changeType: 'created', ...sub }),
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
