import {
  enqueueMailboxSync,
  HttpError,
  JobName,
  type Config,
  type Logger,
  type Producer,
  type SessionStore,
} from '@ms1/shared';
import type { StoredSubscription, SubscriptionStore } from '../../subscriptions/subscription-store';
import { safeEqual } from '../edge/authenticate';
import type { HttpHandler, HttpOutput } from '../route';
import type { LifecycleReplays } from './lifecycle-replays';
import {
  LIFECYCLE_EVENTS,
  type GraphNotification,
  type HandshakeQuery,
  type LifecycleEvent,
  type NotificationCollection,
} from './notifications';

/** The notifications of one request that carry our clientState and name a subscription of ours. */
interface Triage {
  ours: { notification: GraphNotification; subscription: StoredSubscription }[];
  rejected: number;
  unknown: number;
}

function isLifecycleEvent(e: string | undefined): e is LifecycleEvent {
  return LIFECYCLE_EVENTS.some((known) => known === e);
}

/**
 * Graph's change notifications (`POST /webhooks/graph`) and lifecycle notifications (`POST
 * /webhooks/graph/lifecycle`). Both answer the validation handshake by echoing the token as text/plain. A
 * notification is answered 202 at once: it only asks for a deduplicated delta sync of its mailbox, which is the
 * durable record; the sync does the work. clientState is compared in constant time; a mismatch is logged (never
 * its value) and dropped.
 */
export function webhookHandlers(deps: {
  config: Config;
  logger: Logger;
  producer: Producer;
  sessions: SessionStore;
  subscriptions: SubscriptionStore;
  replays: LifecycleReplays;
}) {
  const expected = deps.config.webhooks.clientState ?? '';

  const handshake = (token: string): HttpOutput => ({
    status: 200,
    contentType: 'text/plain; charset=utf-8',
    body: token,
  });

  function notifications(body: NotificationCollection | undefined): GraphNotification[] {
    // The body schema lets only the handshake through without a body.
    if (!body) throw HttpError.badRequest('value', 'value is required');
    return body.value;
  }

  async function triage(items: GraphNotification[]): Promise<Triage> {
    const genuine = items.filter(
      (n) => expected !== '' && n.clientState !== null && safeEqual(n.clientState, expected),
    );
    const ids = [...new Set(genuine.map((n) => n.subscriptionId))];
    const found = await Promise.all(ids.map((id) => deps.subscriptions.get(id)));
    const byId = new Map(ids.flatMap((id, i) => (found[i] ? [[id, found[i]] as const] : [])));
    const ours = genuine.flatMap((notification) => {
      const subscription = byId.get(notification.subscriptionId);
      return subscription ? [{ notification, subscription }] : [];
    });
    const result = { ours, rejected: items.length - genuine.length, unknown: genuine.length - ours.length };
    if (result.rejected > 0)
      deps.logger.warn('notifications with a wrong clientState dropped', { count: result.rejected });
    if (result.unknown > 0)
      deps.logger.info('notifications for unknown subscriptions ignored', { count: result.unknown });
    return result;
  }

  /** The subscriptions of the active session among `ours` (others are leftovers of an old session). */
  async function ofActiveSession(t: Triage): Promise<Triage['ours']> {
    const session = await deps.sessions.current();
    return t.ours.filter((o) => o.subscription.sessionId === session?.sessionId);
  }

  const notify: HttpHandler<NotificationCollection | undefined, HandshakeQuery> = async ({ query, body }) => {
    if (query.validationToken !== undefined) return handshake(query.validationToken);
    const t = await triage(notifications(body));
    const mailboxes = new Map(
      (await ofActiveSession(t)).map(({ subscription: s }) => [`${s.mailboxId}\n${s.folder}`, s]),
    );
    for (const s of mailboxes.values())
      await enqueueMailboxSync(deps.producer, s.sessionId, s.mailboxId, s.folder, 'webhook');
    return {
      status: 202,
      body: { accepted: t.ours.length, rejected: t.rejected, unknown: t.unknown, syncs: mailboxes.size },
    };
  };

  async function repair(s: StoredSubscription, event: LifecycleEvent): Promise<void> {
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

  const lifecycle: HttpHandler<NotificationCollection | undefined, HandshakeQuery> = async ({ query, body }) => {
    if (query.validationToken !== undefined) return handshake(query.validationToken);
    const t = await triage(notifications(body));
    let handled = 0;
    let replays = 0;
    let ignored = 0;
    const seen = new Set<string>();
    for (const { notification: n, subscription: s } of await ofActiveSession(t)) {
      const event = n.lifecycleEvent;
      if (!isLifecycleEvent(event)) {
        ignored++;
        continue;
      }
      // A copy within this request, or one another request (or replica) already claimed, is a replay.
      const first = !seen.has(`${s.id}\n${event}`) && (await deps.replays.claim(s.id, event));
      seen.add(`${s.id}\n${event}`);
      if (!first) {
        replays++;
        continue;
      }
      try {
        await repair(s, event);
        handled++;
      } catch (err) {
        await deps.replays.release(s.id, event).catch(() => undefined);
        throw err;
      }
    }
    if (replays > 0) deps.logger.info('replayed lifecycle notifications ignored', { count: replays });
    return {
      status: 202,
      body: { accepted: t.ours.length, handled, replays, ignored, rejected: t.rejected, unknown: t.unknown },
    };
  };

  return { notify, lifecycle };
}
