import { GraphRequestError, type IngestApiConfig, type Logger, type MailGraph, type Session } from '@ms1/shared';
import type { MailRules } from '../rules/mail-rules';
import type { FolderResolver } from '../sync/folder-resolver';
import type { StoredSubscription, SubscriptionStore } from './subscription-store';

/** The rules and how to find their folders; without rules each mailbox has one subscription, on MAIL_FOLDER. */
export interface WatchedFolderSource {
  rules: MailRules | null;
  folders: FolderResolver | null;
}

interface FolderRef {
  path: string;
  id: string;
}

/** Graph allows 10,080 minutes on message subscriptions; we ask for 3 days and renew well before. */
const LIFETIME_MS = 3 * 24 * 3600_000;
const RENEW_WHEN_LEFT_MS = 36 * 3600_000;

/**
 * Creates, renews and deletes the session's change-notification subscriptions: one per watched folder of each
 * mailbox (the rules' folders and, where they say so, every folder below), or one per mailbox on MAIL_FOLDER.
 */
export class SubscriptionManager {
  constructor(
    private readonly graph: MailGraph,
    private readonly store: SubscriptionStore,
    private readonly config: Pick<IngestApiConfig, 'webhooks'>,
    private readonly logger: Logger,
    private readonly watched: WatchedFolderSource = { rules: null, folders: null },
  ) {}

  /**
   * Makes sure each watched folder has a live subscription: creates missing ones, renews those close to expiry,
   * and deletes those of folders no longer watched.
   */
  async ensure(
    session: Session,
    opts: { mailboxId?: string; recreate?: boolean; forceRenew?: boolean } = {},
  ): Promise<number> {
    const mailboxes = opts.mailboxId ? [opts.mailboxId] : session.settings.mailboxes;
    const existing = (await this.store.all()).filter((s) => s.sessionId === session.sessionId);
    let touched = 0;
    for (const mailboxId of mailboxes) {
      const caller = { mailboxId, sessionId: session.sessionId };
      const folders = await this.watchedFolders(session, mailboxId);
      const ofMailbox = existing.filter((s) => s.mailboxId === mailboxId);
      for (const stale of ofMailbox.filter((s) => !folders.some((f) => f.path === s.folder))) await this.drop(stale);
      for (const folder of folders) {
        const current = ofMailbox.find((s) => s.folder === folder.path);
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
        await this.create(session, mailboxId, folder);
        touched++;
      }
    }
    return touched;
  }

  /** The mailbox's watched folders with their ids: the rules' folders and the folders below those that say so. */
  private async watchedFolders(session: Session, mailboxId: string): Promise<FolderRef[]> {
    const { rules, folders } = this.watched;
    if (!rules || !folders) return [{ path: session.settings.folder, id: session.settings.folder }];
    const caller = { mailboxId, sessionId: session.sessionId };
    const out: FolderRef[] = [];
    const pending = rules.watchedFolders(mailboxId).map((w) => w.path);
    while (pending.length > 0) {
      const path = pending.shift() ?? '';
      if (out.some((f) => f.path.toLowerCase() === path.toLowerCase())) continue;
      const id = await folders.resolve(caller, path);
      if (!id) {
        this.logger.warn('watched folder not found; no subscription for it', { mailboxId, folder: path });
        continue;
      }
      out.push({ path, id });
      if (rules.watchesBelow(mailboxId, path)) pending.push(...(await folders.children(caller, path, id)));
    }
    return out;
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

  private async create(session: Session, mailboxId: string, folderRef: FolderRef): Promise<void> {
    const base = this.config.webhooks.publicBaseUrl;
    const clientState = this.config.webhooks.clientState;
    if (!base || !clientState) throw new Error('webhooks need PUBLIC_BASE_URL and WEBHOOK_CLIENT_STATE');
    const folder = folderRef.path;
    const created = await this.graph.createSubscription(
      { mailboxId, sessionId: session.sessionId },
      {
        resource: `users/${mailboxId}/mailFolders('${folderRef.id}')/messages`,
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
      folder,
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
