// Building InvoiceData values: the empty record, credit-note type codes, field presence warnings.

import type { InvoiceData, InvoiceFormat, InvoiceKind } from './types';

/** UNTDID 1001 codes EN 16931 treats as credit notes (381 is the common one). */
const CREDIT_NOTE_TYPE_CODES = new Set(['81', '83', '261', '262', '296', '308', '381', '396', '420', '458', '532']);

export function kindForTypeCode(code: string | null): InvoiceKind {
  return code !== null && CREDIT_NOTE_TYPE_CODES.has(code.trim()) ? 'creditNote' : 'invoice';
}

export function emptyInvoice(format: InvoiceFormat, kind: InvoiceKind = 'invoice'): InvoiceData {
  return {
    format,
    kind,
    number: null,
    issueDate: null,
    dueDate: null,
    currency: null,
    totalAmount: null,
    taxExclusiveAmount: null,
    payableAmount: null,
    sellerName: null,
    sellerVatId: null,
    buyerName: null,
    iban: null,
    confidence: 0,
  };
}

/** Warnings for mandatory EN 16931 fields a structured invoice lacks. */
export function missingFieldWarnings(inv: InvoiceData): string[] {
  const mandatory: [keyof InvoiceData, string][] = [
    ['number', 'invoice number (BT-1)'],
    ['issueDate', 'issue date (BT-2)'],
    ['currency', 'currency (BT-5)'],
    ['sellerName', 'seller name (BT-27)'],
    ['buyerName', 'buyer name (BT-44)'],
    ['taxExclusiveAmount', 'total without VAT (BT-109)'],
    ['totalAmount', 'total with VAT (BT-112)'],
    ['payableAmount', 'amount due (BT-115)'],
  ];
  return mandatory.filter(([key]) => inv[key] === null).map(([, label]) => `missing ${label}`);
}

export function normalizeIban(text: string | null): string | null {
  if (text === null) return null;
  const compact = text.replace(/\s+/g, '').toUpperCase();
  return compact === '' ? null : compact;
}
