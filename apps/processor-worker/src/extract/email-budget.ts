// One e-mail's budget across all its documents (attachments, ZIP members, embedded files): the reading time they
// may spend in reader threads and the bytes they may bring into memory. A document that does not fit is not read.

export interface EmailBudgetSize {
  /** Reading time in reader threads, summed over the e-mail's documents (queueing for a thread is not counted). */
  timeMs: number;
  /** Bytes loaded, inflated or decoded for the e-mail's documents. */
  bytes: number;
}

export const DEFAULT_EMAIL_BUDGET: Readonly<EmailBudgetSize> = Object.freeze({
  timeMs: 60_000,
  bytes: 150 * 1024 * 1024,
});

export class EmailBudget {
  private timeSpent = 0;
  private bytesSpent = 0;

  constructor(readonly size: EmailBudgetSize = DEFAULT_EMAIL_BUDGET) {}

  get timeLeftMs(): number {
    return Math.max(0, this.size.timeMs - this.timeSpent);
  }

  get bytesLeft(): number {
    return Math.max(0, this.size.bytes - this.bytesSpent);
  }

  spendTime(ms: number): void {
    this.timeSpent += ms;
  }

  spendBytes(bytes: number): void {
    this.bytesSpent += bytes;
  }

  /** Why a document of `bytes` cannot be read with what is left, or null when it can. */
  refusal(bytes: number): string | null {
    if (this.timeLeftMs <= 0) return this.timeSpentReason();
    if (bytes > this.bytesLeft) {
      return `not read: ${bytes} bytes, more than the ${this.bytesLeft} left of the e-mail's budget of ${this.size.bytes} bytes`;
    }
    return null;
  }

  timeSpentReason(): string {
    return `not read: the e-mail's reading time budget of ${this.size.timeMs} ms is spent`;
  }
}
