import type { ExpectedOutcome } from '../generator';

/**
 * What the generator put into the mailboxes since start (or the last reset), added up: how many e-mails, and how
 * many invoices a correct MS1 forwards for them. Served by `GET /_sim/seed`, so that a client that did not seed
 * (a `--seed` at start) still knows what to expect. E-mails injected as JSON have no expectations and are not here.
 */
export interface SeedTally {
  emails: number;
  /** E-mails that carry at least one invoice. */
  invoiceEmails: number;
  /** Invoice documents MS1 should forward (one e-mail may carry several). */
  expectedInvoices: number;
  nonInvoiceEmails: number;
  malformedEmails: number;
  byMailbox: Record<string, number>;
}

export function emptySeedTally(): SeedTally {
  return { emails: 0, invoiceEmails: 0, expectedInvoices: 0, nonInvoiceEmails: 0, malformedEmails: 0, byMailbox: {} };
}

export function addToSeedTally(tally: SeedTally, mailbox: string, outcomes: readonly ExpectedOutcome[]): void {
  for (const expected of outcomes) {
    if (expected.invoice) {
      tally.invoiceEmails++;
      tally.expectedInvoices += expected.invoices.length;
    } else if (expected.malformed) tally.malformedEmails++;
    else tally.nonInvoiceEmails++;
  }
  tally.emails += outcomes.length;
  tally.byMailbox[mailbox] = (tally.byMailbox[mailbox] ?? 0) + outcomes.length;
}
