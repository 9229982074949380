// PDFs: Factur-X (CII embedded with pdf-lib) read to the same values as the CII XML; text heuristics; scans.
import { EXPECTED_CII, pickExpected } from './helpers/expected';
import { listFixtures, readFixture } from './helpers/fixtures';
import { buildFacturXPdf, buildNoTextPdf, buildTextPdf } from './helpers/pdf-builders';
import { testReader } from './helpers/reader';

const { extractDocument } = testReader();

describe('Factur-X / ZUGFeRD PDFs', () => {
  it.each(Object.entries(EXPECTED_CII))('reads the CII embedded from %s', async (file, expected) => {
    const pdf = await buildFacturXPdf(readFixture(file));
    const res = await extractDocument({ name: 'invoice.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(res.outcome).toBe('extracted');
    expect(res.invoices).toHaveLength(1);
    const extracted = res.invoices[0]!;
    expect(extracted.invoice.format).toBe('facturx');
    expect(extracted.invoice.confidence).toBe(1);
    expect(pickExpected(extracted.invoice)).toEqual(expected);
    expect(extracted.contentType).toBe('application/pdf');
    expect(extracted.size).toBe(pdf.length);
  });

  it('reads every CII fixture embedded as Factur-X to the same values as the bare XML', async () => {
    const files = listFixtures().filter((f) => f.startsWith('cii/'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const xml = readFixture(file);
      const bare = await extractDocument({ name: 'x.xml', contentType: 'text/xml', bytes: xml });
      const fx = await extractDocument({
        name: 'x.pdf',
        contentType: 'application/pdf',
        bytes: await buildFacturXPdf(xml),
      });
      expect({ file, format: fx.invoices[0]?.invoice.format }).toEqual({ file, format: 'facturx' });
      expect({ file, ...pickExpected(fx.invoices[0]!.invoice) }).toEqual({
        file,
        ...pickExpected(bare.invoices[0]!.invoice),
      });
    }
  });

  it('accepts the ZUGFeRD and XRechnung file names and any embedded CII .xml', async () => {
    for (const name of ['zugferd-invoice.xml', 'xrechnung.xml', 'ZUGFeRD-invoice.xml', 'rechnung-2024-17.xml']) {
      const pdf = await buildFacturXPdf(readFixture('cii/CII_example9.xml'), name);
      const res = await extractDocument({ name: 'x.pdf', contentType: 'application/octet-stream', bytes: pdf });
      expect({ name, format: res.invoices[0]?.invoice.format, number: res.invoices[0]?.invoice.number }).toEqual({
        name,
        format: 'facturx',
        number: '20150483',
      });
    }
  });

  it('falls back to the text when the embedded XML is not an invoice, with a warning', async () => {
    const pdf = await buildFacturXPdf(
      Buffer.from('<?xml version="1.0"?><note>hello</note>'),
      'factur-x.xml',
      'Invoice No: INV-77  Total: 10.00 EUR',
    );
    const res = await extractDocument({ name: 'x.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(res.invoices[0]?.invoice.format).toBe('pdf-text');
    expect(res.invoices[0]?.invoice.number).toBe('INV-77');
    expect(res.invoices[0]?.warnings.join('\n')).toMatch(/factur-x\.xml is not a readable invoice/);
  });

  it('refuses an embedded XML with a DOCTYPE and says so', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>';
    const pdf = await buildFacturXPdf(Buffer.from(bomb));
    const res = await extractDocument({ name: 'x.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(res.invoices).toHaveLength(0);
    expect(res.outcome).toBe('not-an-invoice');
    expect(res.warnings.join('\n')).toMatch(/DOCTYPE\/entity declarations refused/);
  });
});

describe('PDF text heuristics', () => {
  it('reads number, total, currency and date from an English text PDF', async () => {
    const pdf = await buildTextPdf([
      [
        'ACME Supplies Ltd',
        'INVOICE',
        'Invoice No: INV-123',
        'Invoice date: 15/03/2024',
        'Due date: 14/04/2024',
        'Subtotal: 1,029.00 EUR',
        'VAT 20%: 205.50 EUR',
        'Total: 1,234.50 EUR',
        'IBAN: DE89 3704 0044 0532 0130 00',
      ],
    ]);
    const res = await extractDocument({ name: 'scan.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(res.outcome).toBe('extracted');
    const inv = res.invoices[0]!.invoice;
    expect(inv).toMatchObject({
      format: 'pdf-text',
      kind: 'invoice',
      number: 'INV-123',
      totalAmount: '1234.50',
      taxExclusiveAmount: '1029.00',
      currency: 'EUR',
      issueDate: '2024-03-15',
      dueDate: '2024-04-14',
      iban: 'DE89370400440532013000',
    });
    expect(inv.confidence).toBeGreaterThan(0.8);
    expect(inv.confidence).toBeLessThan(1);
    expect(res.invoices[0]!.warnings).toContain('fields read from PDF text by heuristics');
  });

  it('reads the minimal one-line invoice of the brief', async () => {
    const pdf = await buildTextPdf([['Invoice No: INV-123 ... Total: 1,234.50 EUR']]);
    const res = await extractDocument({ name: 'a.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(res.invoices[0]?.invoice).toMatchObject({ number: 'INV-123', totalAmount: '1234.50', currency: 'EUR' });
  });

  it.each([
    [
      'de',
      [
        'Rechnung',
        'Rechnungsnummer: RE-2024-0042',
        'Rechnungsdatum: 31.01.2024',
        'Nettobetrag: 1.000,00 EUR',
        'Gesamtbetrag: 1.190,00 EUR',
      ],
      'RE-2024-0042',
      '1190.00',
      'EUR',
      '2024-01-31',
    ],
    [
      'fr',
      [
        'FACTURE',
        'Facture n° F-2024-118',
        'Date de facture : 05/02/2024',
        'Total HT : 500,00 €',
        'Total TTC : 600,00 €',
      ],
      'F-2024-118',
      '600.00',
      'EUR',
      '2024-02-05',
    ],
    [
      'es',
      ['FACTURA', 'Factura nº A-7781', 'Fecha: 12/03/2024', 'Importe total: 1.210,00 EUR'],
      'A-7781',
      '1210.00',
      'EUR',
      '2024-03-12',
    ],
    [
      'it',
      ['FATTURA', 'Fattura n. 2024/55', 'Data fattura: 01/04/2024', 'Totale fattura: € 2.440,00'],
      '2024/55',
      '2440.00',
      'EUR',
      '2024-04-01',
    ],
    [
      'nl',
      ['FACTUUR', 'Factuurnummer: 2024-0099', 'Factuurdatum: 02-05-2024', 'Totaal te betalen: € 121,00'],
      '2024-0099',
      '121.00',
      'EUR',
      '2024-05-02',
    ],
    [
      'en-gbp',
      ['Invoice', 'Invoice Number: 99812', 'Date: 7 June 2024', 'Grand Total £ 3,000.00'],
      '99812',
      '3000.00',
      'GBP',
      '2024-06-07',
    ],
  ])('reads a %s text invoice', async (_lang, lines, number, total, currency, issueDate) => {
    const pdf = await buildTextPdf([lines]);
    const res = await extractDocument({ name: 'r.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(res.invoices[0]?.invoice).toMatchObject({
      format: 'pdf-text',
      number,
      totalAmount: total,
      currency,
      issueDate,
    });
  });

  it('does not take a tax line or a percentage for the total', async () => {
    const pdf = await buildTextPdf([
      [
        'Invoice No: T-9',
        'Total net: 100.00 EUR',
        'Total VAT 20%: 20.00 EUR',
        'Total: 120.00 EUR',
        'Total VAT: 20.00 EUR',
      ],
    ]);
    const res = await extractDocument({ name: 't.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(res.invoices[0]?.invoice).toMatchObject({
      totalAmount: '120.00',
      taxExclusiveAmount: '100.00',
      currency: 'EUR',
    });
  });

  it('keeps the amount due apart from the total, and reads a VAT id', async () => {
    const pdf = await buildTextPdf([
      [
        'Registration office: Musterstadt',
        'USt-IdNr.: DE 123456789',
        'Rechnungsnummer: 2024-77',
        'Rechnungsbetrag: 1.190,00 EUR',
        'Anzahlung: 500,00 EUR',
        'Zu zahlen: 690,00 EUR',
      ],
    ]);
    const res = await extractDocument({ name: 'd.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(res.invoices[0]?.invoice).toMatchObject({
      number: '2024-77',
      totalAmount: '1190.00',
      payableAmount: '690.00',
      sellerVatId: 'DE123456789',
    });
  });

  it('marks a credit note found in text', async () => {
    const pdf = await buildTextPdf([['Gutschrift', 'Gutschrift Nr. GS-100', 'Gesamtbetrag: 50,00 EUR']]);
    const res = await extractDocument({ name: 'g.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(res.invoices[0]?.invoice).toMatchObject({ kind: 'creditNote', number: 'GS-100', totalAmount: '50.00' });
  });

  it('gives a lower confidence when fewer fields are found', async () => {
    const full = await extractDocument({
      name: 'a.pdf',
      contentType: 'application/pdf',
      bytes: await buildTextPdf([['Invoice', 'Invoice No: A-1', 'Date: 2024-01-02', 'Total: 10.00 EUR']]),
    });
    const partial = await extractDocument({
      name: 'b.pdf',
      contentType: 'application/pdf',
      bytes: await buildTextPdf([['Total: 10.00']]),
    });
    expect(partial.invoices[0]!.invoice.confidence).toBeLessThan(full.invoices[0]!.invoice.confidence);
    expect(partial.invoices[0]!.invoice.number).toBeNull();
  });

  it('reports a text PDF without invoice fields as not-an-invoice', async () => {
    const pdf = await buildTextPdf([['Dear customer,', 'please find our new brochure attached.']]);
    const res = await extractDocument({ name: 'brochure.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(res.outcome).toBe('not-an-invoice');
    expect(res.invoices).toHaveLength(0);
  });

  it('reports a PDF without any text as a scanned PDF with a warning', async () => {
    const res = await extractDocument({
      name: 'scan.pdf',
      contentType: 'application/pdf',
      bytes: await buildNoTextPdf(),
    });
    expect(res.outcome).toBe('scanned-pdf');
    expect(res.reason).toMatch(/scanned PDF without text/);
    expect(res.warnings).toContain('scanned PDF without text');
  });

  it('reads text from the first maxPdfPages pages only, with a warning', async () => {
    const pages = Array.from({ length: 4 }, (_, i) => [`Page ${i + 1}`]);
    pages[3] = ['Invoice No: LATE-1', 'Total: 5.00 EUR'];
    const res = await extractDocument(
      { name: 'long.pdf', contentType: 'application/pdf', bytes: await buildTextPdf(pages) },
      { maxPdfPages: 2 },
    );
    expect(res.outcome).toBe('not-an-invoice');
    expect(res.warnings.join('\n')).toMatch(/first 2 of 4 pages/);
  });
});

describe('ZUGFeRD 1.0', () => {
  const ZUGFERD1 = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:SpecifiedExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument>
    <ram:ID>RE-1-0815</ram:ID>
    <ram:Name>RECHNUNG</ram:Name>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20160315</udt:DateTimeString></ram:IssueDateTime>
  </rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction>
    <ram:ApplicableSupplyChainTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Kunden AG Mitte</ram:Name></ram:BuyerTradeParty>
    </ram:ApplicableSupplyChainTradeAgreement>
    <ram:ApplicableSupplyChainTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE08700901001234567890</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:SpecifiedTradePaymentTerms>
        <ram:DueDateDateTime><udt:DateTimeString format="102">20160414</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementMonetarySummation>
        <ram:LineTotalAmount currencyID="EUR">198.00</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount currencyID="EUR">198.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">37.62</ram:TaxTotalAmount>
        <ram:GrandTotalAmount currencyID="EUR">235.62</ram:GrandTotalAmount>
        <ram:DuePayableAmount currencyID="EUR">235.62</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementMonetarySummation>
    </ram:ApplicableSupplyChainTradeSettlement>
  </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>`;

  it('reads ZUGFeRD-invoice.xml embedded in a PDF', async () => {
    const pdf = await buildFacturXPdf(Buffer.from(ZUGFERD1), 'ZUGFeRD-invoice.xml');
    const res = await extractDocument({ name: 'z1.pdf', contentType: 'application/pdf', bytes: pdf });
    expect(pickExpected(res.invoices[0]!.invoice)).toEqual({
      kind: 'invoice',
      number: 'RE-1-0815',
      issueDate: '2016-03-15',
      dueDate: '2016-04-14',
      currency: 'EUR',
      taxExclusiveAmount: '198.00',
      totalAmount: '235.62',
      payableAmount: '235.62',
      sellerName: 'Lieferant GmbH',
      sellerVatId: 'DE123456789',
      buyerName: 'Kunden AG Mitte',
      iban: 'DE08700901001234567890',
    });
    expect(res.invoices[0]!.invoice.format).toBe('facturx');
    expect(res.invoices[0]!.warnings.join()).toMatch(/ZUGFeRD 1\.0/);
  });
});
