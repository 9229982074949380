import type { EInvoiceTemplate } from './template';
import { slotOf } from './template';
import { definedSlots } from './ubl';
import { child, children, path, scanXml, textOf } from './xml-scan';

/** Locates the EN 16931 fields of a UN/CEFACT Cross Industry Invoice (paths as in the fixtures README). */
export function ciiTemplate(file: string, xml: string): EInvoiceTemplate {
  const root = scanXml(xml);
  if (root.local !== 'CrossIndustryInvoice') throw new Error(`${file}: not a CrossIndustryInvoice`);
  const doc = child(root, 'ExchangedDocument');
  const tx = child(root, 'SupplyChainTradeTransaction');
  const agreement = child(tx, 'ApplicableHeaderTradeAgreement');
  const settlement = child(tx, 'ApplicableHeaderTradeSettlement');
  const seller = child(agreement, 'SellerTradeParty');
  const totals = child(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation');
  const typeCodeEl = child(doc, 'TypeCode');
  const typeCode = textOf(xml, typeCodeEl);
  const vat = children(seller, 'SpecifiedTaxRegistration')
    .map((r) => child(r, 'ID'))
    .find((id) => id?.attrs['schemeID'] === 'VA');
  const iban = children(settlement, 'SpecifiedTradeSettlementPaymentMeans')
    .map((m) => path(m, 'PayeePartyCreditorFinancialAccount', 'IBANID'))
    .find((el) => textOf(xml, el) !== null);
  const due = children(settlement, 'SpecifiedTradePaymentTerms')
    .map((t) => path(t, 'DueDateDateTime', 'DateTimeString'))
    .find((el) => el !== undefined);
  const slots = definedSlots({
    number: slotOf(xml, child(doc, 'ID')),
    issueDate: slotOf(xml, path(doc, 'IssueDateTime', 'DateTimeString'), '102'),
    dueDate: slotOf(xml, due, '102'),
    currency: slotOf(xml, child(settlement, 'InvoiceCurrencyCode')),
    taxExclusiveAmount: slotOf(xml, child(totals, 'TaxBasisTotalAmount')),
    totalAmount: slotOf(xml, child(totals, 'GrandTotalAmount')),
    payableAmount: slotOf(xml, child(totals, 'DuePayableAmount')),
    sellerName: slotOf(xml, child(seller, 'Name')),
    sellerVatId: slotOf(xml, vat),
    buyerName: slotOf(xml, path(agreement, 'BuyerTradeParty', 'Name')),
    iban: slotOf(xml, iban),
  });
  const typeCodeSlot = slotOf(xml, typeCodeEl);
  return {
    file,
    syntax: 'cii',
    xml,
    kind: typeCode === '381' ? 'creditNote' : 'invoice',
    slots,
    ...(typeCodeSlot ? { typeCodeSlot } : {}),
  };
}
