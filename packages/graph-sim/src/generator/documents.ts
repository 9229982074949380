import { createHash } from 'node:crypto';
import type { DrawContext, InvoiceDoc } from './context';
import { buildFacturX } from './facturx';
import { LANGS, VOCAB, type Lang } from './language';
import type { Address } from './mail';
import { fileAttachment } from './mail';
import { makeParty, slug } from './parties';
import { drawPlainData, drawPlainInvoice, plainExpected } from './pdf-text';
import { addDays, renderVariant, type EInvoiceTemplate, type RenderedInvoice } from './template';
import type { ExpectedInvoice, InvoiceFormat } from './types';
import { writeZip } from './zip';

/** A new invoice number, unique within the draw (counter) and across draws (tag). */
export function nextNumber(ctx: DrawContext): string {
  ctx.counter += 1;
  const n = ctx.counter;
  const year = ctx.received.getUTCFullYear();
  switch (ctx.rng.int(0, 3)) {
    case 0:
      return `INV-${year}-${ctx.tag}-${String(n).padStart(5, '0')}`;
    case 1:
      return `RE${year}${ctx.tag}${String(n).padStart(5, '0')}`;
    case 2:
      return `F-${ctx.tag}/${String(n).padStart(5, '0')}`;
    default:
      return `${ctx.tag}-${String(n).padStart(6, '0')}`;
  }
}

export function issueDateFor(ctx: DrawContext): string {
  return addDays(ctx.received.toISOString().slice(0, 10), -ctx.rng.int(0, 6));
}

export function fileSafe(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_');
}

function senderFor(ctx: DrawContext, company: string, lang: Lang, domain?: string): Address {
  const local = ctx.rng.pick([
    'invoices',
    'billing',
    'accounting',
    'noreply',
    ...{
      en: ['accounts'],
      de: ['rechnungen', 'buchhaltung'],
      fr: ['facturation', 'compta'],
      es: ['administracion'],
      it: ['amministrazione'],
      nl: ['administratie'],
    }[lang],
  ]);
  return { name: company, address: `${local}@${domain ?? `${slug(company)}.example`}` };
}

function expected(
  attachmentName: string,
  document: Uint8Array,
  format: InvoiceFormat,
  r: Pick<RenderedInvoice, 'kind' | 'fields'>,
  archiveName?: string,
): ExpectedInvoice {
  const sha256 = createHash('sha256').update(document).digest('hex');
  return { attachmentName, sha256, ...(archiveName ? { archiveName } : {}), format, kind: r.kind, ...r.fields };
}

export type XmlFlavour = 'ubl' | 'ubl-credit' | 'cii' | 'cii-credit';

function templateFor(ctx: DrawContext, flavour: XmlFlavour): EInvoiceTemplate {
  const t = ctx.templates;
  if (flavour === 'ubl') return ctx.rng.pick(t.ublInvoices);
  if (flavour === 'ubl-credit') return ctx.rng.pick(t.ublCreditNotes);
  return ctx.rng.pick(t.cii);
}

/** A fresh variant of a fixture: unique number, recent issue date. */
export function renderXml(
  ctx: DrawContext,
  flavour: XmlFlavour,
): { tpl: EInvoiceTemplate; rendered: RenderedInvoice; number: string } {
  const tpl = templateFor(ctx, flavour);
  const number = nextNumber(ctx);
  const rendered = renderVariant(tpl, { number, issueDate: issueDateFor(ctx), creditNote: flavour === 'cii-credit' });
  return { tpl, rendered, number };
}

function xmlName(
  ctx: DrawContext,
  syntax: 'ubl' | 'cii',
  number: string,
  lang: Lang,
  kind: 'invoice' | 'creditNote',
): string {
  const n = fileSafe(number);
  const word = fileSafe(kind === 'creditNote' ? VOCAB[lang].creditNote : VOCAB[lang].invoice);
  return ctx.rng.pick(
    syntax === 'ubl'
      ? [`${n}.xml`, `${word}_${n}.xml`, `UBL-${n}.xml`]
      : [`${n}_cii.xml`, `xrechnung_${n}.xml`, `${word}_${n}.xml`],
  );
}

function xmlContentType(ctx: DrawContext): string {
  return ctx.rng.weighted({ 'application/xml': 60, 'text/xml': 30, 'application/octet-stream': 10 });
}

export function xmlDoc(ctx: DrawContext, flavour: XmlFlavour, lang: Lang = ctx.rng.pick(LANGS)): InvoiceDoc {
  const { tpl, rendered, number } = renderXml(ctx, flavour);
  const name = xmlName(ctx, tpl.syntax, number, lang, rendered.kind);
  const bytes = Buffer.from(rendered.xml, 'utf8');
  const attachment = fileAttachment(name, xmlContentType(ctx), bytes);
  return {
    attachment,
    invoices: [expected(name, bytes, tpl.syntax, rendered)],
    number,
    kind: rendered.kind,
    sender: senderFor(ctx, rendered.fields.sellerName ?? 'Supplier', lang),
    lang,
  };
}

function pdfContentType(ctx: DrawContext): string {
  return ctx.rng.chance(0.05) ? 'application/octet-stream' : 'application/pdf';
}

export async function facturXDoc(ctx: DrawContext, lang: Lang = ctx.rng.pick(LANGS)): Promise<InvoiceDoc> {
  const { rendered, number } = renderXml(ctx, ctx.rng.chance(0.1) ? 'cii-credit' : 'cii');
  const v = VOCAB[lang];
  const name = `${fileSafe(rendered.kind === 'creditNote' ? v.creditNote : v.invoice)}_${fileSafe(number)}.pdf`;
  const contentType = pdfContentType(ctx);
  const relationship = ctx.rng.chance(0.8) ? 'Alternative' : 'Data';
  const sender = senderFor(ctx, rendered.fields.sellerName ?? 'Supplier', lang);
  const pdf = await buildFacturX(rendered.xml, rendered.fields, rendered.kind, lang, relationship);
  return {
    attachment: fileAttachment(name, contentType, pdf),
    invoices: [expected(name, pdf, 'facturx', rendered)],
    number,
    kind: rendered.kind,
    sender,
    lang,
  };
}

export async function plainPdfDoc(ctx: DrawContext, lang: Lang = ctx.rng.pick(LANGS)): Promise<InvoiceDoc> {
  const seller = makeParty(ctx.rng, lang);
  const buyer = makeParty(ctx.rng, lang);
  const number = nextNumber(ctx);
  const issueDate = issueDateFor(ctx);
  const data = drawPlainData(
    ctx.rng,
    lang,
    seller,
    buyer,
    number,
    issueDate,
    addDays(issueDate, ctx.rng.pick([14, 30, 30, 45, 60])),
  );
  const name = ctx.rng.pick([`${fileSafe(VOCAB[lang].invoice)}_${fileSafe(number)}.pdf`, `${fileSafe(number)}.pdf`]);
  const contentType = pdfContentType(ctx);
  const sender = senderFor(ctx, seller.name, lang, seller.domain);
  const pdf = await drawPlainInvoice(data);
  const fields = plainExpected(data);
  return {
    attachment: fileAttachment(name, contentType, pdf),
    invoices: [expected(name, pdf, 'pdf-text', { kind: 'invoice', fields })],
    number,
    kind: 'invoice',
    sender,
    lang,
  };
}

/** A ZIP with two or three XML invoices; each member is its own expected invoice, named after the archive. */
export function zipDoc(ctx: DrawContext, lang: Lang = ctx.rng.pick(LANGS)): InvoiceDoc {
  const count = ctx.rng.int(2, 3);
  const members = Array.from({ length: count }, () => renderXml(ctx, ctx.rng.pick(['ubl', 'ubl', 'cii'] as const)));
  const first = members[0] as (typeof members)[number];
  const zipName = `${fileSafe(VOCAB[lang].invoices)}_${first.rendered.fields.issueDate ?? 'batch'}.zip`;
  const entries = members.map((m) => ({
    name: `${fileSafe(m.number)}.xml`,
    data: Buffer.from(m.rendered.xml, 'utf8'),
    m,
  }));
  const zip = writeZip(entries, ctx.received);
  const invoices = entries.map((e) => expected(e.name, e.data, e.m.tpl.syntax, e.m.rendered, zipName));
  return {
    attachment: fileAttachment(zipName, ctx.rng.chance(0.8) ? 'application/zip' : 'application/x-zip-compressed', zip),
    invoices,
    number: members.map((m) => m.number).join(', '),
    kind: 'invoice',
    sender: senderFor(ctx, first.rendered.fields.sellerName ?? 'Supplier', lang),
    lang,
  };
}
