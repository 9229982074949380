import {
  enqueueMailboxSync,
  JobName,
  type IngestApiConfig,
  type Logger,
  type Producer,
  type SessionStore,
} from '@ms1/shared';
import type { SubscriptionStore } from '../../subscriptions/subscription-store';
import { safeEqual } from '../auth';
import type { HttpHandler, HttpInput, HttpOutput } from '../types';

interface Notification {
  subscriptionId?: unknown;
  clientState?: unknown;
  lifecycleEvent?: unknown;
}

type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
const LIFECYCLE_EVENTS = new Set<string>(['reauthorizationRequired', 'subscriptionRemoved', 'missed']);

/**
 * Graph's change and lifecycle notifications. Both answer the validation handshake by echoing the token as
 * text/plain. A notification is answered 202 at once: it only asks for a (deduplicated) delta sync of its
 * mailbox, which is the durable record; the sync does the work. clientState is compared in constant time, and
 * a mismatch is logged and dropped.
 */
export function webhookRoutes(deps: {
  config: IngestApiConfig;
  logger: Logger;
  producer: Producer;
  sessions: SessionStore;
  subscriptions: SubscriptionStore;
}) {
  const expected = deps.config.webhooks.clientState ?? '';

  async function accepted(input: HttpInput): Promise<
    | {
        subs: Map<string, { mailboxId: string; folder: string; sessionId: string }>;
        events: Map<string, LifecycleEvent>;
        rejected: number;
        unknown: number;
      }
    | HttpOutput
  > {
    const value = (input.body as { value?: unknown } | null)?.value;
    if (!Array.isArray(value))
      return {
        status: 400,
        body: { error: 'invalid_request', message: 'value: an array of notifications is required', field: 'value' },
      };
    const subs = new Map<string, { mailboxId: string; folder: string; sessionId: string }>();
    const events = new Map<string, LifecycleEvent>();
    let rejected = 0;
    let unknown = 0;
    for (const n of value as Notification[]) {
      if (!expected || typeof n.clientState !== 'string' || !safeEqual(n.clientState, expected)) {
        rejected++;
        continue;
      }
      const id = typeof n.subscriptionId === 'string' ? n.subscriptionId : '';
      if (!subs.has(id)) {
        const sub = id ? await deps.subscriptions.get(id) : null;
        if (!sub) {
          unknown++;
          continue;
        }
        subs.set(id, sub);
      }
      if (typeof n.lifecycleEvent === 'string' && LIFECYCLE_EVENTS.has(n.lifecycleEvent))
        events.set(id, n.lifecycleEvent as LifecycleEvent);
    }
    if (rejected > 0) deps.logger.warn('notifications with a wrong clientState dropped', { count: rejected });
    if (unknown > 0) deps.logger.info('notifications for unknown subscriptions ignored', { count: unknown });
    return { subs, events, rejected, unknown };
  }

  const validation = (input: HttpInput): HttpOutput | null =>
    typeof input.query.validationToken === 'string'
      ? { status: 200, contentType: 'text/plain', body: input.query.validationToken }
      : null;

  const notify: HttpHandler = async (input) => {
    const echo = validation(input);
    if (echo) return echo;
    const r = await accepted(input);
    if ('status' in r) return r;
    const session = await deps.sessions.current();
    const mailboxes = new Map(
      [...r.subs.values()]
        .filter((s) => s.sessionId === session?.sessionId)
        .map((s) => [`${s.mailboxId}\n${s.folder}`, s]),
    );
    for (const s of mailboxes.values())
      await enqueueMailboxSync(deps.producer, s.sessionId, s.mailboxId, s.folder, 'webhook');
    return {
      status: 202,
      body: { accepted: r.subs.size, rejected: r.rejected, unknown: r.unknown, syncs: mailboxes.size },
    };
  };

  const lifecycle: HttpHandler = async (input) => {
    const echo = validation(input);
    if (echo) return echo;
    const r = await accepted(input);
    if ('status' in r) return r;
    const session = await deps.sessions.current();
    for (const [id, event] of r.events) {
      const s = r.subs.get(id);
      if (!s || s.sessionId !== session?.sessionId) continue;
      deps.logger.info('Graph lifecycle notification', { event, mailboxId: s.mailboxId, sessionId: s.sessionId });
      if (event !== 'missed')
        await deps.producer.add(JobName.RenewSubscriptions, {
          sessionId: s.sessionId,
          mailboxId: s.mailboxId,
          reason: event,
        });
      // Whatever happened, a delta sync catches up on anything that was not notified.
      await enqueueMailboxSync(deps.producer, s.sessionId, s.mailboxId, s.folder, 'lifecycle');
    }
    return { status: 202, body: { accepted: r.events.size, rejected: r.rejected, unknown: r.unknown } };
  };

  return { notify, lifecycle };
}
