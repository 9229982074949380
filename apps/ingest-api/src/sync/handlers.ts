import type { HandlersFor, SessionStore } from '@ms1/shared';
import type { SessionControl } from '../session/session-control';

/**
 * The mail-sync worker's handlers. `sync-tick` (from the polling scheduler) asks for a deduplicated sync of every
 * mailbox of the current session. Delta sync and subscription renewal land with the Graph client (issue 4).
 */
export function syncHandlers(deps: { store: SessionStore; control: SessionControl }): HandlersFor<'mail-sync'> {
  return {
    'sync-tick': async (job, { logger }) => {
      const session = await deps.store.current();
      if (!session || session.sessionId !== job.data.sessionId) {
        logger.debug('polling tick for a session that is no longer active; ignored');
        return { enqueued: 0 };
      }
      return { enqueued: await deps.control.triggerSync(session, 'schedule') };
    },
    'sync-mailbox': async () => ({ pages: 0, messages: 0, removed: 0 }),
    'renew-subscriptions': async () => ({ renewed: 0 }),
  };
}
