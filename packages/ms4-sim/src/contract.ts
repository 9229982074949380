// MS4's published contract (DESIGN.md section 6), written out here on purpose: the simulator follows the
// contract, not the project's own types, so that a disagreement between sender and receiver shows in tests.

export const INVOICE_FORMATS = ['ubl', 'cii', 'facturx', 'pdf-text', 'none'] as const;
export type InvoiceFormat = (typeof INVOICE_FORMATS)[number];

export const INVOICE_KINDS = ['invoice', 'creditNote'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

export interface Ms4Attachment {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  storageRef: string;
  /** Set when the document is a member of a ZIP attachment: the archive's name. */
  archiveName?: string;
}

export interface Ms4Invoice {
  format: InvoiceFormat;
  kind: InvoiceKind;
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
  confidence: number | null;
}

export interface Ms4Item {
  invoiceKey: string;
  sessionId: string;
  mailboxId: string;
  messageId: string;
  internetMessageId: string | null;
  receivedDateTime: string;
  from: { name: string | null; address: string };
  subject: string | null;
  attachment: Ms4Attachment | null;
  invoice: Ms4Invoice;
  warnings: string[];
}

export interface Ms4Batch {
  batchId: string;
  source: 'ms1';
  sentAt: string;
  items: Ms4Item[];
}

/** One entry of a 207 (or item-level 400) answer, in the order of the batch's items. */
export interface ItemResult {
  index: number;
  /** null when the item carried no usable invoiceKey. */
  invoiceKey: string | null;
  /** accepted: stored (or already stored); rejected: invalid, never retry; failed: transient, retry. */
  status: 'accepted' | 'rejected' | 'failed';
  /** HTTP-like code of the item: 200 accepted, 400 rejected, 503 failed. */
  code: 200 | 400 | 503;
  /** true when the invoiceKey was already stored (the item is kept once). */
  duplicate?: boolean;
  error?: string;
  reasons?: string[];
}
