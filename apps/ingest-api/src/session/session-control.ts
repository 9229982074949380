import type { MailRules } from '../rules/mail-rules';
import { rootFolders } from '../rules/watched';

/** What stopping a session needs of its Graph subscriptions. */
export interface SubscriptionRemover {
  removeAll(sessionId: string): Promise<void>;
}
import {
  enqueueMailboxSync,
  JobName,
  QueueName,
  type Logger,
  type Producer,
  type Session,
  type SessionSettings,
  type SessionStore,
} from '@ms1/shared';

/** Ids of the job schedulers (stored in Redis). Upserted only from here. */
export const POLLING_SCHEDULER_ID = 'polling';
export const RENEWAL_SCHEDULER_ID = 'subscription-renewal';
const RENEWAL_EVERY_MS = 6 * 3600_000;

/** Starting and stopping sessions: the store, the polling scheduler and the first sync, in one place (API and CLI). */
export class SessionControl {
  constructor(
    private readonly sessions: SessionStore,
    private readonly producer: Producer,
    private readonly logger: Logger,
    private readonly subscriptions: SubscriptionRemover,
    private readonly rules: MailRules | null = null,
  ) {}

  /**
   * Throws SessionActiveError when a session is already active. Without `initialSync` no round is asked for (the
   * command line's poll-once runs its own).
   */
  async start(settings: SessionSettings, opts: { initialSync?: boolean } = {}): Promise<Session> {
    const session = await this.sessions.start(settings);
    if (settings.pollingMode === 'scheduled') {
      await this.producer.upsertJobScheduler(
        POLLING_SCHEDULER_ID,
        { every: settings.pollingIntervalSeconds * 1000 },
        { name: JobName.SyncTick, data: { sessionId: session.sessionId } },
      );
    }
    if (settings.enableWebhook) {
      // The scheduler's first run is immediate: it creates the subscriptions, later runs renew them.
      await this.producer.upsertJobScheduler(
        RENEWAL_SCHEDULER_ID,
        { every: RENEWAL_EVERY_MS },
        { name: JobName.RenewSubscriptions, data: { sessionId: session.sessionId, reason: 'schedule' } },
      );
    }
    if (opts.initialSync ?? true) await this.triggerSync(session, 'manual');
    this.logger.info('session started', {
      sessionId: session.sessionId,
      mailboxes: settings.mailboxes.length,
      pollingMode: settings.pollingMode,
    });
    return session;
  }

  async stop(reason: string): Promise<Session | null> {
    await this.removeSchedulers();
    const session = await this.sessions.stop(reason);
    if (!session) return null;
    if (session.settings.enableWebhook) await this.subscriptions.removeAll(session.sessionId);
    this.logger.info('session stopped', { sessionId: session.sessionId, reason });
    return session;
  }

  /**
   * Deletes the current session without archiving it (`ms1 session clear`), and with it what would outlive it:
   * the polling and renewal schedulers and its Graph subscriptions. Answers whether there was one.
   */
  async clear(): Promise<boolean> {
    await this.removeSchedulers();
    const session = await this.sessions.current();
    if (session?.settings.enableWebhook) await this.subscriptions.removeAll(session.sessionId);
    const cleared = await this.sessions.clear();
    if (cleared) this.logger.info('session cleared', { sessionId: session?.sessionId });
    return cleared;
  }

  /** `clear`, and the history of archived sessions too (`ms1 session reset`). */
  async reset(): Promise<void> {
    await this.clear();
    await this.sessions.reset();
  }

  private async removeSchedulers(): Promise<void> {
    await this.producer.removeJobScheduler(QueueName.MailSync, POLLING_SCHEDULER_ID);
    await this.producer.removeJobScheduler(QueueName.MailSync, RENEWAL_SCHEDULER_ID);
  }

  /**
   * Enqueues a (deduplicated) sync of every watched folder of every mailbox of the session (the rules' folders, or
   * the session's one folder); rounds of folders with watched subfolders enqueue those. Answers the mailbox count.
   */
  async triggerSync(session: Session, trigger: 'manual' | 'schedule'): Promise<number> {
    for (const mailbox of session.settings.mailboxes)
      for (const folder of rootFolders(this.rules, mailbox, session.settings.folder))
        await enqueueMailboxSync(this.producer, session.sessionId, mailbox, folder, trigger);
    return session.settings.mailboxes.length;
  }
}
