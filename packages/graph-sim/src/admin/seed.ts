import type { SimContext } from '../context';
import { generateEmails, type ExpectedOutcome } from '../generator';
import { addToSeedTally } from './seed-tally';

export interface SeedResult {
  mailbox: string;
  count: number;
  emails: { id: string; expected: ExpectedOutcome }[];
}

/** Generates `count` e-mails with the seeded generator and injects them into the mailbox (notifications fire); the
 * context's seed tally counts them. */
export async function seedMailbox(
  ctx: SimContext,
  mailbox: string,
  count: number,
  seed: number,
  baseDate?: Date,
): Promise<SeedResult> {
  const emails = await generateEmails({ mailbox, count, seed, baseDate });
  const mb = ctx.store.getOrCreate(mailbox);
  const out: SeedResult = { mailbox: mb.address, count: emails.length, emails: [] };
  for (const e of emails) {
    const stored = mb.inject(e.message);
    out.emails.push({ id: stored.key, expected: e.expected });
  }
  addToSeedTally(
    ctx.seeded,
    mb.address,
    emails.map((e) => e.expected),
  );
  return out;
}
