// OASIS UBL 2.1 Invoice and CreditNote -> InvoiceData (fields per fixtures/einvoices/README.md).

import { decimalWarnings } from './xml-fields';
import { isoDate } from './dates';
import { xmlAmount } from './decimals';
import { emptyInvoice, kindForTypeCode, missingFieldWarnings, normalizeIban } from './invoice-data';
import type { InvoiceData } from './types';
import { child, childrenNamed, nameOf, path, pathAll, textOf, type XmlElement } from './xml-read';

export function isUblRoot(root: XmlElement): boolean {
  return root.name === 'Invoice' || root.name === 'CreditNote';
}

export function readUbl(root: XmlElement): { invoice: InvoiceData; warnings: string[] } {
  const isCreditNote = root.name === 'CreditNote';
  const typeCode = textOf(child(root, isCreditNote ? 'CreditNoteTypeCode' : 'InvoiceTypeCode'));
  const inv = emptyInvoice('ubl', isCreditNote ? 'creditNote' : kindForTypeCode(typeCode));

  inv.number = textOf(child(root, 'ID'));
  inv.issueDate = isoDate(textOf(child(root, 'IssueDate')));
  // Invoice: cbc:DueDate at the root; CreditNote 2.1 has none there: cac:PaymentMeans/cbc:PaymentDueDate.
  inv.dueDate =
    isoDate(textOf(child(root, 'DueDate'))) ??
    isoDate(textOf(pathAll(root, 'PaymentMeans', 'PaymentDueDate')[0])) ??
    null;
  inv.currency = textOf(child(root, 'DocumentCurrencyCode'));

  const totals = child(root, 'LegalMonetaryTotal');
  inv.taxExclusiveAmount = xmlAmount(textOf(child(totals, 'TaxExclusiveAmount')));
  inv.totalAmount = xmlAmount(textOf(child(totals, 'TaxInclusiveAmount')));
  inv.payableAmount = xmlAmount(textOf(child(totals, 'PayableAmount')));

  const seller = path(root, 'AccountingSupplierParty', 'Party');
  inv.sellerName = partyName(seller);
  inv.sellerVatId = vatId(seller);
  inv.buyerName = partyName(path(root, 'AccountingCustomerParty', 'Party'));

  const account = pathAll(root, 'PaymentMeans', 'PayeeFinancialAccount', 'ID')
    .map(textOf)
    .find((t) => t !== null);
  inv.iban = normalizeIban(account ?? null);
  inv.confidence = 1;

  const warnings = [...missingFieldWarnings(inv), ...decimalWarnings(inv)];
  if (typeCode === null) warnings.push('missing document type code (BT-3)');
  return { invoice: inv, warnings };
}

/** BT-27/BT-44: PartyLegalEntity/RegistrationName, else PartyName/Name. */
function partyName(party: XmlElement | null): string | null {
  return nameOf(path(party, 'PartyLegalEntity', 'RegistrationName')) ?? nameOf(path(party, 'PartyName', 'Name'));
}

/** BT-31: PartyTaxScheme/CompanyID, preferring the scheme whose TaxScheme/ID is VAT. */
function vatId(party: XmlElement | null): string | null {
  const schemes = childrenNamed(party, 'PartyTaxScheme');
  const vat = schemes.find((s) => textOf(path(s, 'TaxScheme', 'ID'))?.toUpperCase() === 'VAT');
  return textOf(child(vat ?? schemes[0] ?? null, 'CompanyID'));
}
