import { invoiceMail } from './compose';
import type { DrawContext, InvoiceDoc } from './context';
import { facturXDoc, plainPdfDoc, xmlDoc, zipDoc } from './documents';
import { LANGS, VOCAB } from './language';
import type { GeneratedEmail } from './types';

function contentTypeNote(docs: InvoiceDoc[]): { note?: string } {
  const odd = docs.filter((d) => d.attachment.contentType === 'application/octet-stream').map((d) => d.attachment.name);
  return odd.length > 0 ? { note: `sent as application/octet-stream: ${odd.join(', ')}` } : {};
}

/** Remembers a single-document invoice e-mail so that a later 'duplicate' can send the same document again. */
function remember(ctx: DrawContext, doc: InvoiceDoc, email: GeneratedEmail): GeneratedEmail {
  ctx.sent.push({ doc, subject: email.message.subject, internetMessageId: email.message.internetMessageId });
  if (ctx.sent.length > 64) ctx.sent.shift();
  return email;
}

export function single(ctx: DrawContext, caseName: string, doc: InvoiceDoc): GeneratedEmail {
  return remember(ctx, doc, invoiceMail(ctx, [doc], caseName, contentTypeNote([doc])));
}

export const ublCase = (ctx: DrawContext): GeneratedEmail => single(ctx, 'ubl', xmlDoc(ctx, 'ubl'));
export const ciiCase = (ctx: DrawContext): GeneratedEmail => single(ctx, 'cii', xmlDoc(ctx, 'cii'));
export const creditNoteCase = (ctx: DrawContext): GeneratedEmail =>
  single(ctx, 'credit-note', xmlDoc(ctx, ctx.rng.chance(0.6) ? 'ubl-credit' : 'cii-credit'));
export const facturXCase = async (ctx: DrawContext): Promise<GeneratedEmail> =>
  single(ctx, 'facturx', await facturXDoc(ctx));
export const pdfTextCase = async (ctx: DrawContext): Promise<GeneratedEmail> =>
  single(ctx, 'pdf-text', await plainPdfDoc(ctx));

export function zipCase(ctx: DrawContext): GeneratedEmail {
  const doc = zipDoc(ctx);
  return invoiceMail(ctx, [doc], 'zip', contentTypeNote([doc]));
}

export async function twoInvoicesCase(ctx: DrawContext): Promise<GeneratedEmail> {
  const lang = ctx.rng.pick(LANGS);
  const docs: InvoiceDoc[] = [];
  for (let i = 0; i < 2; i++) {
    const kind = ctx.rng.weighted({ ubl: 3, cii: 2, facturx: 2, pdf: 2 });
    docs.push(
      kind === 'ubl'
        ? xmlDoc(ctx, 'ubl', lang)
        : kind === 'cii'
          ? xmlDoc(ctx, 'cii', lang)
          : kind === 'facturx'
            ? await facturXDoc(ctx, lang)
            : await plainPdfDoc(ctx, lang),
    );
  }
  return invoiceMail(ctx, docs, 'two-invoices', contentTypeNote(docs));
}

/** The same invoice document (same bytes and name) sent again, as a reminder or a forward. */
export function duplicateCase(ctx: DrawContext): GeneratedEmail {
  if (ctx.sent.length === 0) return ublCase(ctx);
  const orig = ctx.rng.pick(ctx.sent);
  const v = VOCAB[orig.doc.lang];
  const subject = `${ctx.rng.chance(0.5) ? v.reminder : v.forward}${orig.subject}`;
  const email = invoiceMail(ctx, [orig.doc], 'duplicate', {
    subject,
    note: `same document as ${orig.internetMessageId} (${orig.doc.attachment.name})`,
  });
  return email;
}
