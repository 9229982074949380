import { GraphRequestError, type IngestApiConfig, type Logger, type MailGraph, type Session } from '@ms1/shared';
import type { StoredSubscription, SubscriptionStore } from './subscription-store';

/** Graph allows 10,080 minutes on message subscriptions; we ask for 3 days and renew well before. */
const LIFETIME_MS = 3 * 24 * 3600_000;
const RENEW_WHEN_LEFT_MS = 36 * 3600_000;

/** Creates, renews and deletes the session's change-notification subscriptions (one per mailbox folder). */
export class SubscriptionManager {
  constructor(
    private readonly graph: MailGraph,
    private readonly store: SubscriptionStore,
    private readonly config: IngestApiConfig,
    private readonly logger: Logger,
  ) {}

  /** Makes sure each mailbox has a live subscription: creates missing ones, renews those close to expiry. */
  async ensure(
    session: Session,
    opts: { mailboxId?: string; recreate?: boolean; forceRenew?: boolean } = {},
  ): Promise<number> {
    const mailboxes = opts.mailboxId ? [opts.mailboxId] : session.settings.mailboxes;
    const existing = (await this.store.all()).filter((s) => s.sessionId === session.sessionId);
    let touched = 0;
    for (const mailboxId of mailboxes) {
      const caller = { mailboxId, sessionId: session.sessionId };
      const current = existing.find((s) => s.mailboxId === mailboxId);
      if (current && opts.recreate) await this.drop(current);
      if (current && !opts.recreate) {
        if (!opts.forceRenew && Date.parse(current.expirationDateTime) - Date.now() > RENEW_WHEN_LEFT_MS) continue;
        try {
          const renewed = await this.graph.renewSubscription(caller, current.id, this.expiry());
          await this.store.put({ ...current, expirationDateTime: renewed.expirationDateTime });
          touched++;
          continue;
        } catch (err) {
          if (!(err instanceof GraphRequestError && err.status === 404)) throw err;
          await this.store.remove(current.id); // gone on Graph's side: create it again below
        }
      }
      await this.create(session, mailboxId);
      touched++;
    }
    return touched;
  }

  /** Deletes every subscription of the session (at stop). Failures are logged: an orphan expires by itself. */
  async removeAll(sessionId: string): Promise<void> {
    for (const sub of await this.store.all()) {
      if (sub.sessionId !== sessionId) continue;
      try {
        await this.drop(sub);
      } catch (err) {
        this.logger.warn('could not delete a Graph subscription; it will expire by itself', {
          mailboxId: sub.mailboxId,
          err,
        });
      }
    }
  }

  private async create(session: Session, mailboxId: string): Promise<void> {
    const base = this.config.webhooks.publicBaseUrl;
    const clientState = this.config.webhooks.clientState;
    if (!base || !clientState) throw new Error('webhooks need PUBLIC_BASE_URL and WEBHOOK_CLIENT_STATE');
    const folder = session.settings.folder;
    const created = await this.graph.createSubscription(
      { mailboxId, sessionId: session.sessionId },
      {
        resource: `users/${mailboxId}/mailFolders('${folder}')/messages`,
        notificationUrl: `${base}/webhooks/graph`,
        lifecycleNotificationUrl: `${base}/webhooks/graph/lifecycle`,
        clientState,
        expirationDateTime: this.expiry(),
      },
    );
    const stored: StoredSubscription = {
      id: created.id,
      sessionId: session.sessionId,
      mailboxId,
      folder,
      expirationDateTime: created.expirationDateTime,
    };
    await this.store.put(stored);
    this.logger.info('Graph subscription created', {
      mailboxId,
      sessionId: session.sessionId,
      expires: created.expirationDateTime,
    });
  }

  private async drop(sub: StoredSubscription): Promise<void> {
    await this.graph.deleteSubscription({ mailboxId: sub.mailboxId, sessionId: sub.sessionId }, sub.id);
    await this.store.remove(sub.id);
  }

  private expiry(): string {
    return new Date(Date.now() + LIFETIME_MS).toISOString();
  }
}
