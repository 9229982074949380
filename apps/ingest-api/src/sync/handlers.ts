import type { HandlersFor, SessionStore } from '@ms1/shared';
import type { SessionControl } from '../session/session-control';
import { renewSubscriptionsHandler } from '../subscriptions/renew-subscriptions';
import type { SubscriptionManager } from '../subscriptions/subscription-manager';
import { backfillRangeHandler } from './backfill-lane';
import { syncMailboxHandler, type SyncDeps } from './sync-mailbox';

/**
 * The mail-sync worker's handlers. `sync-tick` (from the polling scheduler) asks for a deduplicated sync of every
 * mailbox of the current session; `sync-mailbox` runs one delta round; `backfill-range` reads a page of a first sync's lane; `renew-subscriptions` keeps the
 * session's Graph subscriptions alive.
 */
export function syncHandlers(deps: {
  sessions: SessionStore;
  control: SessionControl;
  sync: SyncDeps;
  subscriptions: SubscriptionManager;
}): HandlersFor<'mail-sync'> {
  return {
    'sync-tick': async (job, { logger }) => {
      const session = await deps.sessions.current();
      if (!session || session.sessionId !== job.data.sessionId) {
        logger.debug('polling tick for a session that is no longer active; ignored');
        return { enqueued: 0 };
      }
      return { enqueued: await deps.control.triggerSync(session, 'schedule') };
    },
    'sync-mailbox': syncMailboxHandler(deps.sync),
    'backfill-range': backfillRangeHandler(deps.sync),
    'renew-subscriptions': renewSubscriptionsHandler({
      sessions: deps.sessions,
      subscriptions: deps.subscriptions,
      redis: deps.sync.redis,
      keyPrefix: deps.sync.keyPrefix,
    }),
  };
}
