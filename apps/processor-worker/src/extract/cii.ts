// UN/CEFACT Cross Industry Invoice (CII D16B; Factur-X, ZUGFeRD 2, XRechnung CII) -> InvoiceData, and its
// predecessor ZUGFeRD 1.0 CrossIndustryDocument, which holds the same fields under older element names.

import { ciiDate } from './dates';
import { xmlAmount } from './decimals';
import { emptyInvoice, kindForTypeCode, missingFieldWarnings, normalizeIban } from './invoice-data';
import type { InvoiceData, InvoiceFormat } from './types';
import { child, childrenNamed, nameOf, path, pathAll, textOf, type XmlElement } from './xml-read';
import { decimalWarnings } from './xml-fields';

interface CiiNames {
  document: string;
  transaction: string;
  agreement: string;
  settlement: string;
  summation: string;
}

const CII_D16B: CiiNames = {
  document: 'ExchangedDocument',
  transaction: 'SupplyChainTradeTransaction',
  agreement: 'ApplicableHeaderTradeAgreement',
  settlement: 'ApplicableHeaderTradeSettlement',
  summation: 'SpecifiedTradeSettlementHeaderMonetarySummation',
};

const ZUGFERD_1: CiiNames = {
  document: 'HeaderExchangedDocument',
  transaction: 'SpecifiedSupplyChainTradeTransaction',
  agreement: 'ApplicableSupplyChainTradeAgreement',
  settlement: 'ApplicableSupplyChainTradeSettlement',
  summation: 'SpecifiedTradeSettlementMonetarySummation',
};

export function isCiiRoot(root: XmlElement): boolean {
  return root.name === 'CrossIndustryInvoice' || root.name === 'CrossIndustryDocument';
}

export function readCii(root: XmlElement, format: InvoiceFormat = 'cii'): { invoice: InvoiceData; warnings: string[] } {
  const names = root.name === 'CrossIndustryDocument' ? ZUGFERD_1 : CII_D16B;
  const doc = child(root, names.document);
  const typeCode = textOf(child(doc, 'TypeCode'));
  const inv = emptyInvoice(format, kindForTypeCode(typeCode));
  const warnings: string[] = [];

  inv.number = textOf(child(doc, 'ID'));
  inv.issueDate = dateTime(path(doc, 'IssueDateTime'), warnings, 'issue date');

  const tx = child(root, names.transaction);
  const agreement = child(tx, names.agreement);
  const settlement = child(tx, names.settlement);

  const seller = child(agreement, 'SellerTradeParty');
  inv.sellerName = nameOf(child(seller, 'Name'));
  inv.sellerVatId = sellerVat(seller);
  inv.buyerName = nameOf(path(agreement, 'BuyerTradeParty', 'Name'));

  inv.currency = textOf(child(settlement, 'InvoiceCurrencyCode'));
  const dueDates = pathAll(settlement, 'SpecifiedTradePaymentTerms', 'DueDateDateTime');
  inv.dueDate = dueDates.length > 0 ? dateTime(dueDates[0] ?? null, warnings, 'due date') : null;

  const ibans = pathAll(
    settlement,
    'SpecifiedTradeSettlementPaymentMeans',
    'PayeePartyCreditorFinancialAccount',
    'IBANID',
  );
  inv.iban = normalizeIban(ibans.map(textOf).find((t) => t !== null) ?? null);

  const sums = child(settlement, names.summation);
  inv.taxExclusiveAmount = amountInCurrency(childrenNamed(sums, 'TaxBasisTotalAmount'), inv.currency);
  inv.totalAmount = amountInCurrency(childrenNamed(sums, 'GrandTotalAmount'), inv.currency);
  inv.payableAmount = amountInCurrency(childrenNamed(sums, 'DuePayableAmount'), inv.currency);
  inv.confidence = 1;

  warnings.push(...missingFieldWarnings(inv), ...decimalWarnings(inv));
  if (typeCode === null) warnings.push('missing document type code (BT-3)');
  if (names === ZUGFERD_1) warnings.push('ZUGFeRD 1.0 (CrossIndustryDocument) read; superseded by CII D16B');
  return { invoice: inv, warnings };
}

/** CII carries dates as udt:DateTimeString with a format attribute (102 = YYYYMMDD). */
function dateTime(holder: XmlElement | null, warnings: string[], label: string): string | null {
  const dts = child(holder, 'DateTimeString');
  const raw = textOf(dts);
  if (raw === null) return null;
  const format = dts?.attrs['format'] ?? null;
  const date = ciiDate(raw, format);
  if (date === null) warnings.push(`${label} "${raw}" (format ${format ?? 'none'}) is not a calendar date`);
  return date;
}

/** BT-31: SpecifiedTaxRegistration/ID with schemeID "VA" (FC is a tax number, not a VAT id). */
function sellerVat(seller: XmlElement | null): string | null {
  const ids = pathAll(seller, 'SpecifiedTaxRegistration', 'ID');
  const vat = ids.find((id) => (id.attrs['schemeID'] ?? '').toUpperCase() === 'VA');
  return textOf(vat ?? null);
}

/** An amount element may repeat with different currencyID (tax currency); take the invoice currency's, else the first. */
function amountInCurrency(elements: XmlElement[], currency: string | null): string | null {
  const preferred =
    elements.find((e) => currency !== null && e.attrs['currencyID'] === currency) ?? elements[0] ?? null;
  return xmlAmount(textOf(preferred));
}
