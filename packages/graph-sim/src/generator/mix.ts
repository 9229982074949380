import type { DrawContext } from './context';
import {
  creditNoteCase,
  ciiCase,
  duplicateCase,
  facturXCase,
  pdfTextCase,
  twoInvoicesCase,
  ublCase,
  zipCase,
} from './invoice-cases';
import {
  brokenXmlCase,
  corruptPdfCase,
  emptyAttachmentCase,
  missingSenderCase,
  oversizedCase,
} from './malformed-cases';
import { calendarCase, newsletterCase, replyCase } from './other-cases';
import type { GeneratedEmail } from './types';

type Builder = (ctx: DrawContext) => GeneratedEmail | Promise<GeneratedEmail>;

/** Relative weights (percent) of the cases: 75 invoices, 15 non-invoices, 10 malformed. */
export const MIX = {
  ubl: 19,
  'credit-note': 5,
  cii: 14,
  facturx: 12,
  'pdf-text': 10,
  zip: 4,
  'two-invoices': 5,
  duplicate: 6,
  newsletter: 6,
  reply: 6,
  calendar: 3,
  'corrupt-pdf': 2,
  'broken-xml': 2,
  'empty-attachment': 2,
  'oversized-attachment': 1,
  'missing-sender': 3,
} as const;

export type CaseName = keyof typeof MIX;

export const BUILDERS: Readonly<Record<CaseName, Builder>> = {
  ubl: ublCase,
  'credit-note': creditNoteCase,
  cii: ciiCase,
  facturx: facturXCase,
  'pdf-text': pdfTextCase,
  zip: zipCase,
  'two-invoices': twoInvoicesCase,
  duplicate: duplicateCase,
  newsletter: newsletterCase,
  reply: replyCase,
  calendar: calendarCase,
  'corrupt-pdf': corruptPdfCase,
  'broken-xml': brokenXmlCase,
  'empty-attachment': emptyAttachmentCase,
  'oversized-attachment': oversizedCase,
  'missing-sender': missingSenderCase,
};

export const CASE_GROUPS: Readonly<Record<'invoice' | 'nonInvoice' | 'malformed', readonly CaseName[]>> = {
  invoice: ['ubl', 'credit-note', 'cii', 'facturx', 'pdf-text', 'zip', 'two-invoices', 'duplicate'],
  nonInvoice: ['newsletter', 'reply', 'calendar'],
  malformed: ['corrupt-pdf', 'broken-xml', 'empty-attachment', 'oversized-attachment', 'missing-sender'],
};
