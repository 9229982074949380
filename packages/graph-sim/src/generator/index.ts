/** Seeded generator of invoice e-mails for graph-sim: Graph message JSON plus the extraction MS1 should produce for each. */
import type { DrawContext } from './context';
import { loadTemplates } from './fixtures';
import { BUILDERS, MIX } from './mix';
import { hash32, Prng } from './prng';
import type { GeneratedEmail, SeedOptions } from './types';

export type {
  ExpectedInvoice,
  ExpectedOutcome,
  GeneratedAttachment,
  GeneratedEmail,
  GeneratedMessage,
  InvoiceFields,
  InvoiceFormat,
  InvoiceKind,
  SeedOptions,
} from './types';
export { CASE_GROUPS, MIX, type CaseName } from './mix';
export { FIXTURES_DIR } from './fixtures';

export const DEFAULT_BASE_DATE = new Date('2026-11-01T00:00:00Z');
export const DEFAULT_OVERSIZED_BYTES = 2 * 1024 * 1024;

/**
 * Generates `count` e-mails for `mailbox`, deterministically from `seed` (and the mailbox): the same options give
 * byte-identical output. receivedDateTime values increase with the index and end at `baseDate`.
 */
export async function generateEmails(opts: SeedOptions): Promise<GeneratedEmail[]> {
  const count = Math.max(0, Math.floor(opts.count));
  const seedKey = `${opts.seed}|${opts.mailbox.toLowerCase()}`;
  const rng = new Prng(hash32(seedKey) ^ Math.imul(opts.seed | 0, 0x9e3779b1));
  const end = (opts.baseDate ?? DEFAULT_BASE_DATE).getTime();
  const span = Math.min(30 * 86_400_000, Math.max(3_600_000, count * 15 * 60_000));
  const step = count > 0 ? span / count : 0;
  const ctx: DrawContext = {
    rng,
    mailbox: opts.mailbox,
    tag: hash32(seedKey).toString(36).toUpperCase().padStart(7, '0').slice(-6),
    templates: loadTemplates(),
    oversizedBytes: opts.oversizedBytes ?? DEFAULT_OVERSIZED_BYTES,
    index: 0,
    received: new Date(end),
    counter: 0,
    sent: [],
  };
  const out: GeneratedEmail[] = [];
  for (let i = 0; i < count; i++) {
    ctx.index = i;
    const at = end - span + (i + 1) * step - Math.floor(rng.next() * step * 0.8);
    ctx.received = new Date(Math.floor(at / 1000) * 1000);
    out.push(await BUILDERS[rng.weighted(MIX)](ctx));
  }
  return out;
}
