// The MS4 item (DESIGN section 6): one per invoice found in an e-mail. It is the payload of `ms4-outbound`
// jobs and the element of a `POST /batch-metadata` body, so producer and sender share this one type.

export type InvoiceFormat = 'ubl' | 'cii' | 'facturx' | 'pdf-text' | 'none';
export type InvoiceKind = 'invoice' | 'creditNote';

/** Extracted invoice data. Amounts are decimal strings exactly as the document states them; absent fields are null. */
export interface InvoiceData {
  format: InvoiceFormat;
  kind: InvoiceKind;
  number: string | null;
  issueDate: string | null; // YYYY-MM-DD
  dueDate: string | null; // YYYY-MM-DD
  currency: string | null;
  totalAmount: string | null; // BT-112
  taxExclusiveAmount: string | null; // BT-109
  payableAmount: string | null; // BT-115
  sellerName: string | null;
  sellerVatId: string | null;
  buyerName: string | null;
  iban: string | null;
  /** 1 for structured e-invoices; below 1 for heuristics. */
  confidence: number;
}

export interface AttachmentRef {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  storageRef: string;
  /** For a document read from inside a ZIP: the archive's file name. */
  archiveName?: string;
}

export interface EmailAddress {
  name: string | null;
  address: string;
}

export interface Ms4Item {
  invoiceKey: string;
  sessionId: string;
  mailboxId: string;
  messageId: string;
  internetMessageId: string | null;
  receivedDateTime: string;
  from: EmailAddress;
  subject: string | null;
  attachment: AttachmentRef | null;
  invoice: InvoiceData;
  warnings: string[];
}

export interface Ms4Batch {
  batchId: string;
  source: 'ms1';
  sentAt: string;
  items: Ms4Item[];
}
