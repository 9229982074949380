import type { FileAttachment, Message } from '@microsoft/microsoft-graph-types';

export interface SeedOptions {
  mailbox: string;
  count: number;
  seed: number;
  /** Latest receivedDateTime of the draw (default 2026-11-01T00:00:00Z, so that the output does not depend on the clock). */
  baseDate?: Date;
  /** Size in bytes of the 'oversized-attachment' case (default 2 MiB). */
  oversizedBytes?: number;
}

/** A Graph file attachment as the sim's inject endpoint accepts it. */
export type GeneratedAttachment = FileAttachment & {
  '@odata.type': '#microsoft.graph.fileAttachment';
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentBytes: string;
};

/** Graph Message JSON as accepted by the sim's inject endpoint (`from` is absent for the 'missing-sender' case). */
export type GeneratedMessage = Omit<Message, 'attachments'> & {
  subject: string;
  toRecipients: NonNullable<Message['toRecipients']>;
  receivedDateTime: string;
  body: NonNullable<Message['body']>;
  hasAttachments: boolean;
  isRead: false;
  internetMessageId: string;
  attachments: GeneratedAttachment[];
};

export type InvoiceFormat = 'ubl' | 'cii' | 'facturx' | 'pdf-text';
export type InvoiceKind = 'invoice' | 'creditNote';

/** The extraction MS1 should produce for one invoice document. */
export interface InvoiceFields {
  number: string | null;
  issueDate: string | null;
  dueDate: string | null;
  currency: string | null;
  totalAmount: string | null;
  taxExclusiveAmount: string | null;
  payableAmount: string | null;
  sellerName: string | null;
  sellerVatId: string | null;
  buyerName: string | null;
  iban: string | null;
}

export interface ExpectedInvoice extends InvoiceFields {
  attachmentName: string;
  /** SHA-256 (hex) of the document MS1 reads: the attachment, or the ZIP member (part of MS1's invoiceKey). */
  sha256: string;
  archiveName?: string;
  format: InvoiceFormat;
  kind: InvoiceKind;
}

export interface ExpectedOutcome {
  case: string;
  /** Should MS1 forward at least one item for this e-mail. */
  invoice: boolean;
  invoices: ExpectedInvoice[];
  malformed: boolean;
  note?: string;
}

export interface GeneratedEmail {
  message: GeneratedMessage;
  expected: ExpectedOutcome;
}
