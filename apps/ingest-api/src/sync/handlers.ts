import type { HandlersFor } from '@ms1/shared';

/**
 * Foundation placeholder (issue 2) for the mail-sync worker: acknowledges its jobs. Delta sync, polling ticks and
 * subscription renewal replace it (issue 4).
 */
export function syncHandlers(): HandlersFor<'mail-sync'> {
  return {
    'sync-tick': async () => ({ enqueued: 0 }),
    'sync-mailbox': async () => ({ pages: 0, messages: 0, removed: 0 }),
    'renew-subscriptions': async () => ({ renewed: 0 }),
  };
}
