import type { EInvoiceTemplate, FieldKey, Slot } from './template';
import { slotOf } from './template';
import { child, children, path, scanXml, textOf, type XmlElement } from './xml-scan';

/** Locates the EN 16931 fields of a UBL 2.1 Invoice or CreditNote (paths as in the fixtures README). */
export function ublTemplate(file: string, xml: string): EInvoiceTemplate {
  const root = scanXml(xml);
  if (root.local !== 'Invoice' && root.local !== 'CreditNote')
    throw new Error(`${file}: not a UBL Invoice or CreditNote`);
  const typeCode = textOf(xml, child(root, root.local === 'Invoice' ? 'InvoiceTypeCode' : 'CreditNoteTypeCode'));
  const kind = root.local === 'CreditNote' || typeCode === '381' ? 'creditNote' : 'invoice';
  const supplier = path(root, 'AccountingSupplierParty', 'Party');
  const customer = path(root, 'AccountingCustomerParty', 'Party');
  const totals = child(root, 'LegalMonetaryTotal');
  const means = children(root, 'PaymentMeans');
  const vatScheme = children(supplier, 'PartyTaxScheme').find((s) => textOf(xml, path(s, 'TaxScheme', 'ID')) === 'VAT');
  const payee = means.map((m) => path(m, 'PayeeFinancialAccount', 'ID')).find((el) => textOf(xml, el) !== null);
  // A UBL CreditNote carries its due date on the payment means (BT-9), an Invoice at the root.
  const due: XmlElement | undefined =
    child(root, 'DueDate') ?? means.map((m) => child(m, 'PaymentDueDate')).find((el) => el !== undefined);
  const slots: Partial<Record<FieldKey, Slot | undefined>> = {
    number: slotOf(xml, child(root, 'ID')),
    issueDate: slotOf(xml, child(root, 'IssueDate'), 'iso'),
    dueDate: slotOf(xml, due, 'iso'),
    currency: slotOf(xml, child(root, 'DocumentCurrencyCode')),
    taxExclusiveAmount: slotOf(xml, child(totals, 'TaxExclusiveAmount')),
    totalAmount: slotOf(xml, child(totals, 'TaxInclusiveAmount')),
    payableAmount: slotOf(xml, child(totals, 'PayableAmount')),
    sellerName: slotOf(xml, path(supplier, 'PartyLegalEntity', 'RegistrationName')),
    sellerVatId: slotOf(xml, child(vatScheme, 'CompanyID')),
    buyerName: slotOf(xml, path(customer, 'PartyLegalEntity', 'RegistrationName')),
    iban: slotOf(xml, payee),
  };
  return { file, syntax: 'ubl', xml, kind, slots: definedSlots(slots) };
}

export function definedSlots(slots: Partial<Record<FieldKey, Slot | undefined>>): Partial<Record<FieldKey, Slot>> {
  const out: Partial<Record<FieldKey, Slot>> = {};
  for (const [key, slot] of Object.entries(slots) as [FieldKey, Slot | undefined][]) if (slot) out[key] = slot;
  return out;
}
