// Expected values read by hand from the fixture files (not produced by the extractor).
// Amounts exactly as written in the XML; payment account ids with their spaces removed.
import type { InvoiceData } from '@ms1/shared';

export type ExpectedFields = Omit<InvoiceData, 'format' | 'confidence'>;

const inv = (e: Omit<ExpectedFields, 'kind'> & { kind?: ExpectedFields['kind'] }): ExpectedFields => ({ kind: 'invoice', ...e });

export const EXPECTED_UBL: Record<string, ExpectedFields> = {
  'ubl/ubl-tc434-example1.xml': inv({
    number: '12115118', issueDate: '2015-01-09', dueDate: '2015-01-09', currency: 'EUR',
    taxExclusiveAmount: '229.60', totalAmount: '250.33', payableAmount: '250.33',
    sellerName: 'De Koksmaat', sellerVatId: 'NL8200.98.395.B.01', buyerName: 'ODIN 59', iban: 'NL57RABO0107307510',
  }),
  'ubl/ubl-tc434-example2.xml': inv({
    number: 'TOSL108', issueDate: '2013-06-30', dueDate: '2013-07-20', currency: 'NOK',
    taxExclusiveAmount: '1436.50', totalAmount: '1801.78', payableAmount: '801.78',
    sellerName: 'Salescompany ltd.', sellerVatId: 'NO123456789MVA', buyerName: 'The Buyercompany', iban: 'NO9386011117947',
  }),
  'ubl/ubl-tc434-example3.xml': inv({
    number: 'TOSL108', issueDate: '2013-04-10', dueDate: '2013-05-10', currency: 'DKK',
    taxExclusiveAmount: '1700.00', totalAmount: '2005.00', payableAmount: '2005.00',
    sellerName: 'SubscriptionSeller', sellerVatId: 'DK16356706', buyerName: 'Buyercompany ltd', iban: 'DK1212341234123412',
  }),
  'ubl/ubl-tc434-example4.xml': inv({
    number: 'TOSL110', issueDate: '2013-04-10', dueDate: '2013-05-10', currency: 'DKK',
    taxExclusiveAmount: '4000.00', totalAmount: '4675.00', payableAmount: '4675.00',
    sellerName: 'SellerCompany', sellerVatId: 'DK16356706', buyerName: 'Buyercompany ltd', iban: 'DK1212341234123412',
  }),
  // Two PartyTaxSchemes (VAT and LOC); the payment account is the payer's (mandate), so no payee IBAN.
  'ubl/ubl-tc434-example5.xml': inv({
    number: 'TOSL110', issueDate: '2013-04-10', dueDate: '2013-05-10', currency: 'DKK',
    taxExclusiveAmount: '4000.00', totalAmount: '4675.00', payableAmount: '2337.50',
    sellerName: 'SellerCompany', sellerVatId: 'NL16356706', buyerName: 'Buyercompany ltd', iban: null,
  }),
  'ubl/ubl-tc434-creditnote1.xml': inv({
    kind: 'creditNote',
    number: '018304 / 28865', issueDate: '2019-09-23', dueDate: null, currency: 'EUR',
    taxExclusiveAmount: '100.11', totalAmount: '100.11', payableAmount: '100.11',
    sellerName: 'My Supplier Company', sellerVatId: 'BE0000000196', buyerName: 'My Customer Company', iban: 'BE91000000143476',
  }),
  'ubl/BIS3_Invoice_positive.XML': inv({
    number: '12345', issueDate: '2019-01-25', dueDate: '2019-02-24', currency: 'DKK',
    taxExclusiveAmount: '625743.54', totalAmount: '782179.43', payableAmount: '782179.43',
    sellerName: 'Company A', sellerVatId: 'DK12345678', buyerName: 'Company B', iban: '1234567891234',
  }),
  'ubl/guide-example1.xml': inv({
    number: '12115118', issueDate: '2015-01-09', dueDate: '2015-01-09', currency: 'EUR',
    taxExclusiveAmount: '229.60', totalAmount: '250.33', payableAmount: '250.33',
    sellerName: 'De Koksmaat', sellerVatId: 'NL8200.98.395.B.01', buyerName: 'ODIN 59', iban: 'NL57RABO0107307510',
  }),
  'ubl/issue116.xml': inv({
    number: '2018210', issueDate: '2018-02-08', dueDate: '2018-03-07', currency: 'SEK',
    taxExclusiveAmount: '700', totalAmount: '830', payableAmount: '830',
    sellerName: 'SÄLJARNAMNET', sellerVatId: 'SE123456789001', buyerName: 'Project services AB', iban: null,
  }),
};

export const EXPECTED_CII: Record<string, ExpectedFields> = {
  'cii/CII_example1.xml': inv({
    number: '12115118', issueDate: '2015-01-09', dueDate: '2015-01-09', currency: 'EUR',
    taxExclusiveAmount: '229.6', totalAmount: '250.33', payableAmount: '250.33',
    sellerName: 'De Koksmaat', sellerVatId: 'NL8200.98.395.B.01', buyerName: 'ODIN 59', iban: 'NL57RABO0107307510',
  }),
  'cii/CII_example3.xml': inv({
    number: 'TOSL108', issueDate: '2013-04-10', dueDate: '2013-05-10', currency: 'DKK',
    taxExclusiveAmount: '900', totalAmount: '1125', payableAmount: '1125',
    sellerName: 'SubscriptionSeller', sellerVatId: 'DK16356706', buyerName: 'Buyercompany ltd', iban: 'DK1212341234123412',
  }),
  'cii/CII_example4.xml': inv({
    number: 'TOSL110', issueDate: '2013-04-10', dueDate: '2013-05-10', currency: 'DKK',
    taxExclusiveAmount: '4000', totalAmount: '4675', payableAmount: '4675',
    sellerName: 'SellerCompany', sellerVatId: 'DK16356706', buyerName: 'Buyercompany ltd', iban: 'DK1212341234123412',
  }),
  // Tax currency EUR beside invoice currency DKK; two payment means, the first with the IBAN.
  'cii/CII_example5.xml': inv({
    number: 'TOSL110', issueDate: '2013-04-10', dueDate: '2013-05-10', currency: 'DKK',
    taxExclusiveAmount: '4000', totalAmount: '4675', payableAmount: '2337.5',
    sellerName: 'SellerCompany', sellerVatId: 'NL16356706', buyerName: 'Buyercompany ltd', iban: 'DK1212341234123412',
  }),
  'cii/CII_example9.xml': inv({
    number: '20150483', issueDate: '2015-04-01', dueDate: '2015-04-15', currency: 'EUR',
    taxExclusiveAmount: '147', totalAmount: '177.87', payableAmount: '177.87',
    sellerName: 'Bluem BV', sellerVatId: 'NL809163160B01', buyerName: 'Provide Verzekeringen', iban: 'NL13RABO0377815500',
  }),
  'cii/huf_example_cii.xml': inv({
    number: '21/001003559/996', issueDate: '2021-10-05', dueDate: '2021-11-01', currency: 'HUF',
    taxExclusiveAmount: '69180.00', totalAmount: '87859.00', payableAmount: '87859.00',
    sellerName: 'DKV Euro Service GmbH + Co. KG', sellerVatId: 'HU30048650',
    buyerName: 'HIL Heeresinstandsetzungslogistik GmbH', iban: 'DE26330403100827038100',
  }),
  'cii/CII_business_example_Z.xml': inv({
    number: '2016166', issueDate: '2015-01-09', dueDate: '2015-01-09', currency: 'EUR',
    taxExclusiveAmount: '11693.87', totalAmount: '11693.87', payableAmount: '11693.87',
    sellerName: 'XXX AG', sellerVatId: 'DE37/302/30168', buyerName: 'XXX AG', iban: 'DE12500105170648489890',
  }),
  // Only a tax number (schemeID FC), no VAT id (schemeID VA).
  'cii/XRechnung-O.xml': inv({
    number: '150377292', issueDate: '2021-01-14', dueDate: '2021-01-01', currency: 'EUR',
    taxExclusiveAmount: '385544.60', totalAmount: '385544.60', payableAmount: '385544.60',
    sellerName: 'XX', sellerVatId: null, buyerName: 'XX', iban: 'XX',
  }),
};

export function pickExpected(data: InvoiceData): ExpectedFields {
  const { format: _format, confidence: _confidence, ...rest } = data;
  return rest;
}
