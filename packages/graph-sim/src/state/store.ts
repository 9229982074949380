import type { ContentStore } from '../content/content-store';
import { Mailbox } from './mailbox';
import type { MailEvent } from './types';

export type MailListener = (mb: Mailbox, ev: MailEvent) => void;

/** All mailboxes, addressed by SMTP address (case-insensitive) or by user id. */
export class Store {
  private readonly byAddress = new Map<string, Mailbox>();
  private readonly byId = new Map<string, Mailbox>();
  private listener: MailListener = () => undefined;

  /** Where attachment bytes of every mailbox are kept. */
  constructor(readonly content: ContentStore) {}

  onMail(listener: MailListener): void {
    this.listener = listener;
  }

  getOrCreate(address: string): Mailbox {
    const key = address.toLowerCase();
    const found = this.byAddress.get(key) ?? this.byId.get(address);
    if (found) return found;
    const mb = new Mailbox(address, (m, ev) => this.listener(m, ev), this.content);
    this.byAddress.set(key, mb);
    this.byId.set(mb.id, mb);
    return mb;
  }

  find(idOrAddress: string): Mailbox | undefined {
    return this.byId.get(idOrAddress) ?? this.byAddress.get(idOrAddress.toLowerCase());
  }

  all(): Mailbox[] {
    return [...this.byAddress.values()];
  }

  reset(): void {
    this.byAddress.clear();
    this.byId.clear();
  }
}
