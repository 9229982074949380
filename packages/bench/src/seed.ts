// Fills graph-sim's mailboxes with generated e-mails and adds up what MS1 should make of them.
import { postJson } from './http';

interface SeedAnswer {
  emails: {
    id: string;
    expected: { case: string; invoice: boolean; malformed: boolean; invoices: { number?: string }[] };
  }[];
}

export interface SeedSummary {
  emails: number;
  /** Invoice documents MS1 should forward (one e-mail may carry several). */
  expectedInvoices: number;
  invoiceEmails: number;
  nonInvoiceEmails: number;
  malformedEmails: number;
  byMailbox: Record<string, number>;
  /** The invoice number of every invoice MS1 should forward, per mailbox (numbers are unique across draws). */
  expectedNumbers: Record<string, string[]>;
}

const CHUNK = 250;

/** Spreads `total` e-mails over the mailboxes (round robin by chunk); `onProgress` gets the count seeded so far. */
export async function seedMailboxes(
  adminUrl: string,
  mailboxes: string[],
  total: number,
  randomSeed: number,
  onProgress: (done: number) => void,
): Promise<SeedSummary> {
  const summary: SeedSummary = {
    emails: 0,
    expectedInvoices: 0,
    invoiceEmails: 0,
    nonInvoiceEmails: 0,
    malformedEmails: 0,
    byMailbox: {},
    expectedNumbers: {},
  };
  const perMailbox = mailboxes.map(
    (_, i) => Math.floor(total / mailboxes.length) + (i < total % mailboxes.length ? 1 : 0),
  );
  let chunkNo = 0;
  for (let i = 0; i < mailboxes.length; i++) {
    const mailbox = mailboxes[i] ?? '';
    for (let left = perMailbox[i] ?? 0; left > 0; left -= CHUNK) {
      const count = Math.min(CHUNK, left);
      const answer = await postJson<SeedAnswer>(`${adminUrl}/seed`, {
        mailbox,
        count,
        seed: randomSeed + 7919 * chunkNo++,
      });
      for (const { expected } of answer.emails) {
        if (expected.invoice) {
          summary.invoiceEmails++;
          summary.expectedInvoices += expected.invoices.length;
          const numbers = (summary.expectedNumbers[mailbox] ??= []);
          for (const invoice of expected.invoices) numbers.push(invoice.number ?? '');
        } else if (expected.malformed) summary.malformedEmails++;
        else summary.nonInvoiceEmails++;
      }
      summary.emails += answer.emails.length;
      summary.byMailbox[mailbox] = (summary.byMailbox[mailbox] ?? 0) + answer.emails.length;
      onProgress(summary.emails);
    }
  }
  return summary;
}
