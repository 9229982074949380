import { ThrottledError, tryLock, type JobHandler, type RedisConnection, type SessionStore } from '@ms1/shared';
import type { SubscriptionManager } from './subscription-manager';

/** Scheduled renewal, creation at session start, and the repair after Graph's lifecycle notifications. */
export function renewSubscriptionsHandler(deps: {
  sessions: SessionStore;
  subscriptions: SubscriptionManager;
  redis: RedisConnection;
  keyPrefix: string;
}): JobHandler<'renew-subscriptions'> {
  return async (job, { logger }) => {
    const session = await deps.sessions.current();
    if (!session || session.sessionId !== job.data.sessionId || !session.settings.enableWebhook) {
      logger.debug('subscription job for an inactive session or webhooks off; ignored');
      return { renewed: 0 };
    }
    // One job at a time touches the session's subscriptions, else two could create one each for a mailbox.
    const lock = await tryLock(deps.redis, `${deps.keyPrefix}:subscriptions-lock`, 60_000);
    if (!lock) throw new ThrottledError('subscriptions are being updated by another job', 1000);
    try {
      const { reason, mailboxId } = job.data;
      const renewed = await deps.subscriptions.ensure(session, {
        mailboxId,
        recreate: reason === 'subscriptionRemoved',
        forceRenew: reason === 'reauthorizationRequired',
      });
      return { renewed };
    } finally {
      await lock.release().catch(() => undefined);
    }
  };
}
