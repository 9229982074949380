// Checks shared by the structured readers.

import { isXmlDecimal } from './decimals';
import type { InvoiceData } from './types';

/** Amounts are kept exactly as written; a value that is not an xs:decimal is kept but flagged. */
export function decimalWarnings(inv: InvoiceData): string[] {
  const fields: (keyof InvoiceData)[] = ['taxExclusiveAmount', 'totalAmount', 'payableAmount'];
  const warnings: string[] = [];
  for (const field of fields) {
    const value = inv[field];
    if (typeof value === 'string' && !isXmlDecimal(value)) warnings.push(`${field} is not a plain decimal: "${value}"`);
  }
  return warnings;
}
