import type { Subscription } from '@microsoft/microsoft-graph-types';
import type { IdView } from '../state/types';

export interface StoredSubscription {
  data: Subscription & { id: string; expirationDateTime: string; notificationUrl: string; resource: string };
  appId: string;
  tenantId: string;
  mailboxId: string;
  /** folder id, or '*' for all messages of the mailbox */
  scope: string;
  /** Created with `Prefer: IdType="ImmutableId"`: notifications carry immutable ids. */
  idView: IdView;
}

/** Subscriptions by id; expired ones disappear. */
export class SubscriptionStore {
  private readonly subs = new Map<string, StoredSubscription>();

  add(s: StoredSubscription): void {
    this.subs.set(s.data.id, s);
  }

  get(id: string): StoredSubscription | undefined {
    this.sweep();
    return this.subs.get(id);
  }

  delete(id: string): boolean {
    return this.subs.delete(id);
  }

  all(): StoredSubscription[] {
    this.sweep();
    return [...this.subs.values()];
  }

  forMailbox(mailboxId: string): StoredSubscription[] {
    return this.all().filter((s) => s.mailboxId === mailboxId);
  }

  sweep(now = Date.now()): void {
    for (const [id, s] of this.subs) if (Date.parse(s.data.expirationDateTime) <= now) this.subs.delete(id);
  }

  clear(): void {
    this.subs.clear();
  }
}
