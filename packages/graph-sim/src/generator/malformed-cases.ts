import { invoiceMail } from './compose';
import type { DrawContext, InvoiceDoc } from './context';
import { facturXDoc, fileSafe, nextNumber, plainPdfDoc, xmlDoc } from './documents';
import { LANGS, VOCAB } from './language';
import { fileAttachment } from './mail';
import { makeParty } from './parties';
import type { GeneratedEmail } from './types';

/** An invoice-looking e-mail whose only document cannot be read: MS1 records it, forwards nothing. */
function unreadable(
  ctx: DrawContext,
  doc: InvoiceDoc,
  caseName: string,
  bytes: Uint8Array,
  note: string,
  contentType?: string,
): GeneratedEmail {
  const broken: InvoiceDoc = {
    ...doc,
    attachment: fileAttachment(doc.attachment.name, contentType ?? doc.attachment.contentType, bytes),
    invoices: [],
  };
  const email = invoiceMail(ctx, [broken], caseName, { malformed: true, note });
  email.expected.invoice = false;
  return email;
}

/** The header survives; the rest is cut at 60% and scrambled, so that no recovery can find the page content. */
export async function corruptPdfCase(ctx: DrawContext): Promise<GeneratedEmail> {
  const doc = await plainPdfDoc(ctx);
  const original = Buffer.from(doc.attachment.contentBytes, 'base64');
  const bytes = Buffer.from(original.subarray(0, Math.floor(original.length * 0.6)));
  for (let i = 16; i < bytes.length; i++) bytes[i] = (bytes[i] as number) ^ (1 + ctx.rng.int(0, 254));
  return unreadable(ctx, doc, 'corrupt-pdf', bytes, 'PDF truncated and scrambled after its header');
}

export function brokenXmlCase(ctx: DrawContext): GeneratedEmail {
  const doc = xmlDoc(ctx, ctx.rng.chance(0.5) ? 'ubl' : 'cii');
  const xml = Buffer.from(doc.attachment.contentBytes, 'base64');
  const cut = Math.floor(xml.length * (0.3 + 0.4 * ctx.rng.next()));
  return unreadable(
    ctx,
    doc,
    'broken-xml',
    xml.subarray(0, cut),
    `XML cut after ${cut} of ${xml.length} bytes; not well-formed`,
  );
}

export function emptyAttachmentCase(ctx: DrawContext): GeneratedEmail {
  const doc = xmlDoc(ctx, 'ubl');
  const pdf = ctx.rng.chance(0.5);
  const name = pdf ? doc.attachment.name.replace(/\.xml$/, '.pdf') : doc.attachment.name;
  const email = unreadable(
    ctx,
    { ...doc, attachment: { ...doc.attachment, name } },
    'empty-attachment',
    new Uint8Array(0),
    'zero-byte attachment',
    pdf ? 'application/pdf' : undefined,
  );
  return email;
}

const oversized = new Map<number, Buffer>();

/** A large "scanned" PDF: a valid header, then filler; MS1 should record it as too large rather than load it. */
export function oversizedCase(ctx: DrawContext): GeneratedEmail {
  const size = ctx.oversizedBytes;
  let bytes = oversized.get(size);
  if (!bytes) {
    bytes = Buffer.alloc(size, '% graph-sim filler for an oversized scanned invoice\n');
    bytes.write('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 0, 'latin1');
    bytes.write('\n%%EOF\n', Math.max(0, size - 7), 'latin1');
    oversized.set(size, bytes);
  }
  const lang = ctx.rng.pick(LANGS);
  const seller = makeParty(ctx.rng, lang);
  const number = nextNumber(ctx);
  const doc: InvoiceDoc = {
    attachment: fileAttachment(
      `Scan_${fileSafe(VOCAB[lang].invoice)}_${fileSafe(number)}.pdf`,
      'application/pdf',
      bytes,
    ),
    invoices: [],
    number,
    kind: 'invoice',
    sender: { name: seller.name, address: `scanner@${seller.domain}` },
    lang,
  };
  const email = invoiceMail(ctx, [doc], 'oversized-attachment', {
    malformed: true,
    note: `attachment of ${size} bytes, over the size limit`,
  });
  email.expected.invoice = false;
  return email;
}

/** A readable invoice whose message has no `from`: MS1 should still forward it, with a warning. */
export async function missingSenderCase(ctx: DrawContext): Promise<GeneratedEmail> {
  const pick = ctx.rng.weighted({ ubl: 2, cii: 1, facturx: 1, pdf: 1 });
  const doc =
    pick === 'ubl' || pick === 'cii'
      ? xmlDoc(ctx, pick)
      : pick === 'facturx'
        ? await facturXDoc(ctx)
        : await plainPdfDoc(ctx);
  return invoiceMail(ctx, [doc], 'missing-sender', { from: null, malformed: true, note: 'message has no from/sender' });
}
