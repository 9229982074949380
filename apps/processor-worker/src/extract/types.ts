// Result types of document extraction. InvoiceData is the MS4 contract's shape (DESIGN section 6), owned by @ms1/shared.

import type { InvoiceData, InvoiceFormat, InvoiceKind } from '@ms1/shared';

export type { InvoiceData, InvoiceFormat, InvoiceKind };

/** What became of one document (attachment or archive). */
export type DocumentOutcome =
  /** At least one invoice was read (possibly with warnings, e.g. some ZIP members skipped). */
  | 'extracted'
  /** Readable, but nothing in it looks like an invoice. */
  | 'not-an-invoice'
  /** A PDF whose pages carry no text (an image scan): needs OCR, which MS1 does not do. */
  | 'scanned-pdf'
  /** Zero bytes, or whitespace only. */
  | 'empty'
  /** Corrupt, truncated or malformed: the bytes could not be read as their type. */
  | 'unreadable'
  /** Password-protected PDF or encrypted ZIP members. */
  | 'encrypted'
  /** Deliberately refused as hostile (DOCTYPE/entity declarations). */
  | 'refused'
  /** Over a size, entry-count, ratio, page or time limit (zip bombs, gigantic attachments, slow PDFs). */
  | 'limit-exceeded'
  /** Not a PDF, XML or ZIP by its content. */
  | 'unsupported';

export interface ExtractedInvoice {
  invoice: InvoiceData;
  /** Name of the document the invoice was read from (the ZIP member's own name inside an archive). */
  sourceName: string;
  /** The ZIP's name when the document is an archive member. */
  archiveName?: string;
  /** Content type decided by sniffing the document's bytes. */
  contentType: string;
  /** Size and SHA-256 (hex) of the document the invoice was read from (the member, for archives). */
  size: number;
  sha256: string;
  /** The document's bytes (for content-addressed storage of archive members). */
  bytes: Buffer;
  /** Warnings about this invoice (missing fields, heuristics, ...). */
  warnings: string[];
}

export interface DocumentResult {
  outcome: DocumentOutcome;
  /** A human sentence explaining the outcome. */
  reason: string;
  invoices: ExtractedInvoice[];
  /** Warnings about the document as a whole (skipped members, limits hit, ...). */
  warnings: string[];
}

export interface DocumentInput {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** The result of reading structured XML (UBL or CII) before it is bound to a source document. */
export type XmlInvoiceRead =
  { ok: true; invoice: InvoiceData; warnings: string[] } | { ok: false; outcome: DocumentOutcome; reason: string };
