import { AFRelationship, PDFName } from 'pdf-lib';
import { VOCAB, type Lang } from './language';
import { PdfPage } from './pdf';
import type { InvoiceFields, InvoiceKind } from './types';

/**
 * A Factur-X / ZUGFeRD PDF: a visible page stating the invoice, the CII XML embedded as the associated file `factur-x.xml`
 * (AFRelationship Alternative, listed in the catalog's /AF), and Factur-X XMP metadata. Not certified PDF/A-3.
 */
export async function buildFacturX(
  ciiXml: string,
  fields: InvoiceFields,
  kind: InvoiceKind,
  lang: Lang,
  relationship: 'Alternative' | 'Data' = 'Alternative',
): Promise<Uint8Array> {
  const v = VOCAB[lang];
  const title = kind === 'creditNote' ? v.creditNote : v.invoice;
  const date = new Date(`${fields.issueDate ?? '2020-01-01'}T08:00:00Z`);
  const p = await PdfPage.create(`${title} ${fields.number ?? ''}`, fields.sellerName ?? '', date);
  const cur = fields.currency ?? '';
  p.text(50, fields.sellerName ?? '', { size: 16, bold: true });
  p.down(16);
  if (fields.sellerVatId) {
    p.text(50, `${v.vatId} ${fields.sellerVatId}`);
    p.down();
  }
  p.down(10, 2);
  p.text(50, v.billTo, { bold: true });
  p.down();
  p.text(50, fields.buyerName ?? '');
  p.down(10, 3);
  p.text(50, title.toUpperCase(), { size: 20, bold: true });
  p.down(20);
  p.text(50, `${v.number}: ${fields.number ?? ''}`);
  p.down();
  p.text(50, `${v.date}: ${fields.issueDate ?? ''}`);
  p.down();
  if (fields.dueDate) {
    p.text(50, `${v.due}: ${fields.dueDate}`);
    p.down();
  }
  p.down();
  p.rule();
  if (fields.taxExclusiveAmount) p.pair(v.net, `${fields.taxExclusiveAmount} ${cur}`);
  if (fields.totalAmount) p.pair(v.total, `${fields.totalAmount} ${cur}`, true);
  if (fields.payableAmount) p.pair(v.payable, `${fields.payableAmount} ${cur}`, true);
  p.down(10, 2);
  if (fields.iban) p.text(50, `IBAN: ${fields.iban}`);
  p.down(10, 2);
  p.text(50, 'Factur-X / ZUGFeRD: factur-x.xml (EN 16931)', { size: 8 });

  await p.doc.attach(Buffer.from(ciiXml, 'utf8'), 'factur-x.xml', {
    mimeType: 'text/xml',
    description: 'Factur-X invoice',
    creationDate: date,
    modificationDate: date,
    afRelationship: relationship === 'Data' ? AFRelationship.Data : AFRelationship.Alternative,
  });
  const xmp = p.doc.context.stream(Buffer.from(facturXMetadata(date), 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  p.doc.catalog.set(PDFName.of('Metadata'), p.doc.context.register(xmp));
  return p.save();
}

function facturXMetadata(date: Date): string {
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreateDate>${iso}</xmp:CreateDate><xmp:ModifyDate>${iso}</xmp:ModifyDate></rdf:Description>
  <rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
   <fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>
   <fx:Version>1.0</fx:Version><fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}
