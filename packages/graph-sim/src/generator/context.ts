import type { TemplateSet } from './fixtures';
import type { Lang } from './language';
import type { Address } from './mail';
import type { Prng } from './prng';
import type { ExpectedInvoice, GeneratedAttachment } from './types';

/** State shared by the builders of one draw. */
export interface DrawContext {
  rng: Prng;
  mailbox: string;
  /** A short tag derived from mailbox and seed, part of every invoice number so that numbers are unique across draws. */
  tag: string;
  templates: TemplateSet;
  oversizedBytes: number;
  /** Index of the e-mail being built, and its receivedDateTime. */
  index: number;
  received: Date;
  /** Invoice documents issued so far in this draw. */
  counter: number;
  /** Single-document invoice e-mails sent so far, for the 'duplicate' case. */
  sent: SentInvoice[];
}

/** One invoice-bearing attachment and what MS1 should extract from it. */
export interface InvoiceDoc {
  attachment: GeneratedAttachment;
  invoices: ExpectedInvoice[];
  number: string;
  kind: 'invoice' | 'creditNote';
  sender: Address;
  lang: Lang;
}

export interface SentInvoice {
  doc: InvoiceDoc;
  subject: string;
  internetMessageId: string;
}
