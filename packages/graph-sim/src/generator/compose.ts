import type { DrawContext, InvoiceDoc } from './context';
import { fill, VOCAB } from './language';
import { buildMessage, fileAttachment, textToHtml, type Address } from './mail';
import { logoPng } from './png';
import type { ExpectedOutcome, GeneratedAttachment, GeneratedEmail } from './types';

export function messageId(ctx: DrawContext, domain: string): string {
  return `<${ctx.tag.toLowerCase()}.${ctx.index}.${ctx.rng.hex(8)}@${domain}>`;
}

export function domainOf(address: Address | undefined): string {
  return address?.address.split('@')[1] ?? 'mail.example';
}

/** Body text with an optional HTML rendering that shows an inline logo (isInline, referenced by cid). */
export function withBody(
  ctx: DrawContext,
  text: string,
  htmlChance: number,
  logoColour: number,
): { text: string; html?: string; inline: GeneratedAttachment[] } {
  if (!ctx.rng.chance(htmlChance)) return { text, inline: [] };
  const cid = `logo-${ctx.rng.hex(8)}@mail`;
  const html = textToHtml(text, `\n<p><img src="cid:${cid}" alt="logo" width="96" height="24"></p>`);
  return {
    text,
    html,
    inline: [fileAttachment('image001.png', 'image/png', logoPng(logoColour), { inline: true, contentId: cid })],
  };
}

export interface InvoiceMailOptions {
  /** `null` for the 'missing-sender' case. */
  from?: Address | null;
  subject?: string;
  malformed?: boolean;
  note?: string;
}

/** An e-mail carrying the given invoice documents, in the language of the first. */
export function invoiceMail(
  ctx: DrawContext,
  docs: InvoiceDoc[],
  caseName: string,
  opts: InvoiceMailOptions = {},
): GeneratedEmail {
  const first = docs[0];
  if (!first) throw new Error('invoiceMail needs a document');
  const v = VOCAB[first.lang];
  const numbers = docs.map((d) => d.number).join(', ');
  const docWord = first.kind === 'creditNote' ? v.creditNote : v.invoice;
  const single = docs.length === 1 && !first.number.includes(',');
  const subject =
    opts.subject ??
    (single
      ? first.kind === 'creditNote'
        ? `${v.creditNote} ${first.number}`
        : fill(ctx.rng.pick(v.subjects), { n: first.number, s: first.sender.name })
      : `${v.invoices} ${numbers}`);
  const line = single
    ? fill(v.attached, { doc: first.lang === 'de' ? docWord : docWord.toLowerCase(), n: first.number })
    : fill(v.attachedMany, { n: numbers });
  const from = opts.from === null ? undefined : (opts.from ?? first.sender);
  const body = withBody(ctx, `${v.greeting}\n\n${line}\n\n${v.regards}\n${first.sender.name}`, 0.4, 0x1f5fa8);
  const internetMessageId = messageId(ctx, domainOf(from ?? first.sender));
  const message = buildMessage({
    subject,
    text: body.text,
    ...(body.html !== undefined ? { html: body.html } : {}),
    ...(from ? { from } : {}),
    to: ctx.mailbox,
    received: ctx.received,
    internetMessageId,
    attachments: [...docs.map((d) => d.attachment), ...body.inline],
  });
  const expected: ExpectedOutcome = {
    case: caseName,
    invoice: true,
    invoices: docs.flatMap((d) => d.invoices.map((i) => ({ ...i }))),
    malformed: opts.malformed ?? false,
    ...(opts.note ? { note: opts.note } : {}),
  };
  return { message, expected };
}
