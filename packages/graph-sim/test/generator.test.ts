import { createHash } from 'node:crypto';
import { CASE_GROUPS, generateEmails, MIX, type GeneratedEmail } from '../src/generator';

const digest = (emails: GeneratedEmail[]): string => createHash('sha256').update(JSON.stringify(emails)).digest('hex');

describe('graph-sim invoice e-mail generator', () => {
  let draw: GeneratedEmail[];

  beforeAll(async () => {
    const started = process.hrtime.bigint();
    draw = await generateEmails({ mailbox: 'ap@contoso.example', count: 1000, seed: 1 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const bytes = draw.reduce((s, e) => s + e.message.attachments.reduce((t, a) => t + a.size, 0), 0);
    console.log(`generator: 1000 e-mails in ${ms.toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB of attachments`);
  });

  it('is deterministic for the same options and differs for another seed or mailbox', async () => {
    const opts = { mailbox: 'ap@contoso.example', count: 150, seed: 99, baseDate: new Date('2026-06-01T12:00:00Z') };
    const a = await generateEmails(opts);
    const b = await generateEmails({ ...opts });
    expect(digest(a)).toBe(digest(b));
    expect(digest(await generateEmails({ ...opts, seed: 100 }))).not.toBe(digest(a));
    expect(digest(await generateEmails({ ...opts, mailbox: 'other@contoso.example' }))).not.toBe(digest(a));
    expect(digest(draw.slice(0, 150))).toBe(
      digest(
        await generateEmails({ mailbox: 'ap@contoso.example', count: 1000, seed: 1 }).then((d) => d.slice(0, 150)),
      ),
    );
  });

  it('draws roughly 75% invoices, 15% non-invoices and 10% malformed, with every case present', () => {
    const counts = new Map<string, number>();
    for (const e of draw) counts.set(e.expected.case, (counts.get(e.expected.case) ?? 0) + 1);
    const share = (group: readonly string[]): number =>
      group.reduce((s, c) => s + (counts.get(c) ?? 0), 0) / draw.length;
    console.log('generator mix (1000):', Object.fromEntries([...counts].sort((x, y) => y[1] - x[1])));
    expect(share(CASE_GROUPS.invoice)).toBeGreaterThan(0.68);
    expect(share(CASE_GROUPS.invoice)).toBeLessThan(0.82);
    expect(share(CASE_GROUPS.nonInvoice)).toBeGreaterThan(0.1);
    expect(share(CASE_GROUPS.nonInvoice)).toBeLessThan(0.2);
    expect(share(CASE_GROUPS.malformed)).toBeGreaterThan(0.06);
    expect(share(CASE_GROUPS.malformed)).toBeLessThan(0.14);
    for (const name of Object.keys(MIX)) expect(counts.get(name) ?? 0).toBeGreaterThan(0);
  });

  it('writes Graph message JSON the inject endpoint accepts', () => {
    for (const { message, expected } of draw) {
      expect(typeof message.subject).toBe('string');
      expect(message.isRead).toBe(false);
      expect(message.toRecipients[0]?.emailAddress?.address).toBe('ap@contoso.example');
      expect(message.receivedDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(message.internetMessageId).toMatch(/^<[^<>@\s]+@[^<>@\s]+>$/);
      expect(message.hasAttachments).toBe(message.attachments.some((a) => !a.isInline));
      if (expected.case === 'missing-sender') expect(message.from).toBeUndefined();
      else expect(message.from?.emailAddress?.address).toMatch(/@/);
      for (const a of message.attachments) {
        expect(a['@odata.type']).toBe('#microsoft.graph.fileAttachment');
        expect(Buffer.from(a.contentBytes, 'base64').length).toBe(a.size);
        if (expected.case !== 'oversized-attachment') expect(a.size).toBeLessThan(100_000);
        if (a.isInline) expect(message.body.content).toContain(`cid:${a.contentId ?? ''}`);
      }
      for (const inv of expected.invoices) {
        expect(message.attachments.some((a) => a.name === (inv.archiveName ?? inv.attachmentName))).toBe(true);
        for (const date of [inv.issueDate, inv.dueDate]) if (date !== null) expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      expect(expected.invoice).toBe(expected.invoices.length > 0);
    }
  });

  it('keeps receivedDateTime increasing and ending at baseDate by default', () => {
    const times = draw.map((e) => Date.parse(e.message.receivedDateTime));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
    expect(times[times.length - 1]).toBeLessThanOrEqual(Date.parse('2026-11-01T00:00:00Z'));
  });

  it('gives every invoice a unique number, except duplicates which resend an earlier document byte for byte', () => {
    const seen = new Map<string, string>();
    for (const { message, expected } of draw) {
      for (const inv of expected.invoices) {
        const att = message.attachments.find((a) => a.name === (inv.archiveName ?? inv.attachmentName));
        const key = inv.number ?? '';
        if (expected.case === 'duplicate') expect(seen.get(key)).toBe(att?.contentBytes);
        else {
          expect(seen.has(key)).toBe(false);
          seen.set(key, att?.contentBytes ?? '');
        }
      }
    }
  });

  it('marks non-invoices and unreadable documents as forwarding nothing', () => {
    for (const { expected } of draw) {
      if (
        [...CASE_GROUPS.nonInvoice, 'corrupt-pdf', 'broken-xml', 'empty-attachment', 'oversized-attachment'].includes(
          expected.case,
        )
      ) {
        expect(expected.invoice).toBe(false);
      } else expect(expected.invoice).toBe(true);
      expect(expected.malformed).toBe((CASE_GROUPS.malformed as readonly string[]).includes(expected.case));
    }
  });

  it('sizes the oversized attachment as configured', async () => {
    const emails = await generateEmails({
      mailbox: 'big@contoso.example',
      count: 400,
      seed: 3,
      oversizedBytes: 300_000,
    });
    const big = emails.filter((e) => e.expected.case === 'oversized-attachment');
    expect(big.length).toBeGreaterThan(0);
    for (const e of big) expect(e.message.attachments[0]?.size).toBe(300_000);
  });
});
