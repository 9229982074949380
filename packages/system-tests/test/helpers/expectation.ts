import { createHash } from 'node:crypto';
import { json, jsonBody } from './http';

/** What graph-sim's seed answers for one generated e-mail (only the fields used here). */
interface SeededEmail {
  id: string;
  expected: { invoice: boolean; malformed: boolean; invoices: { sha256: string }[] };
}

/**
 * What MS1 must make of the mail seeded so far, computed from graph-sim's record of what it generated, not from
 * anything MS1 wrote: the invoiceKey of every invoice document (SHA-256 of mailbox, message id and the document's
 * SHA-256, as the MS4 contract defines it) and the e-mails that carry no readable invoice (each must end as one
 * dead letter).
 */
export class Expectation {
  readonly invoiceKeys = new Set<string>();
  readonly unreadableMessageIds = new Set<string>();
  emails = 0;

  /** Seeds `count` generated e-mails into `mailbox` (graph-sim fires its change notifications) and expects them. */
  async seed(adminUrl: string, mailbox: string, count: number, seed: number): Promise<string[]> {
    const answer = await json<{ emails: SeededEmail[] }>(
      `${adminUrl}/seed`,
      jsonBody('POST', { mailbox, count, seed }),
    );
    const keys: string[] = [];
    for (const { id, expected } of answer.emails) {
      this.emails++;
      if (!expected.invoice) {
        if (expected.malformed) this.unreadableMessageIds.add(id);
        continue;
      }
      for (const doc of expected.invoices) {
        const key = invoiceKey(mailbox, id, doc.sha256);
        this.invoiceKeys.add(key);
        keys.push(key);
      }
    }
    return keys;
  }
}

export function invoiceKey(mailboxId: string, messageId: string, documentSha256: string): string {
  return createHash('sha256').update(`${mailboxId}\n${messageId}\n${documentSha256}`).digest('hex');
}
