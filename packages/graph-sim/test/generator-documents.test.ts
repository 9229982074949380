import { createHash } from 'node:crypto';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFStream, PDFString } from 'pdf-lib';
import { generateEmails, type ExpectedInvoice, type GeneratedEmail } from '../src/generator';

/** Reads the members of a ZIP archive from its local headers (stored or deflate). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let p = 0;
  while (p + 30 <= zip.length && zip.readUInt32LE(p) === 0x04034b50) {
    const method = zip.readUInt16LE(p + 8);
    const size = zip.readUInt32LE(p + 18);
    const nameLen = zip.readUInt16LE(p + 26);
    const extraLen = zip.readUInt16LE(p + 28);
    const name = zip.toString('utf8', p + 30, p + 30 + nameLen);
    const start = p + 30 + nameLen + extraLen;
    const data = zip.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    p = start + size;
  }
  return out;
}

const one = (xml: string, re: RegExp): string | null => re.exec(xml)?.[1]?.trim() ?? null;

/** A deliberately independent regex reading of the main fields (the generator uses its own scanner). */
function readXml(
  xml: string,
): Pick<ExpectedInvoice, 'number' | 'issueDate' | 'totalAmount' | 'currency' | 'payableAmount' | 'kind'> {
  if (xml.includes('CrossIndustryInvoice')) {
    const date = one(xml, /<ram:IssueDateTime>\s*<udt:DateTimeString[^>]*>(\d{8})</);
    return {
      number: one(xml, /<rsm:ExchangedDocument>\s*<ram:ID>([^<]*)</),
      issueDate: date ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}` : null,
      totalAmount: one(xml, /<ram:GrandTotalAmount[^>]*>([^<]*)</),
      payableAmount: one(xml, /<ram:DuePayableAmount[^>]*>([^<]*)</),
      currency: one(xml, /<ram:InvoiceCurrencyCode>([^<]*)</),
      kind: one(xml, /<rsm:ExchangedDocument>[\s\S]*?<ram:TypeCode>(\d+)</) === '381' ? 'creditNote' : 'invoice',
    };
  }
  return {
    number: one(xml, /<\/cbc:(?:CustomizationID|ProfileID)>\s*<cbc:ID>([^<]*)</),
    issueDate: one(xml, /<cbc:IssueDate>([^<]*)</),
    totalAmount: one(xml, /<cbc:TaxInclusiveAmount[^>]*>([^<]*)</),
    payableAmount: one(xml, /<cbc:PayableAmount[^>]*>([^<]*)</),
    currency: one(xml, /<cbc:DocumentCurrencyCode[^>]*>([^<]*)</),
    kind: /<CreditNote[\s>]/.test(xml) ? 'creditNote' : 'invoice',
  };
}

function decodeXmlText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function streamBytes(stream: PDFStream): Buffer {
  if (!(stream instanceof PDFRawStream)) throw new Error('expected a raw stream');
  const filter = stream.dict.get(PDFName.of('Filter'));
  return filter === PDFName.of('FlateDecode') ? inflateSync(stream.contents) : Buffer.from(stream.contents);
}

/** The embedded files of a PDF by name, with the AFRelationship of each and whether the catalog lists it in /AF. */
function embeddedFiles(
  pdf: PDFDocument,
): Map<string, { data: Buffer; relationship: string | undefined; inAF: boolean }> {
  const out = new Map<string, { data: Buffer; relationship: string | undefined; inAF: boolean }>();
  const names = pdf.catalog
    .lookupMaybe(PDFName.of('Names'), PDFDict)
    ?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict)
    ?.lookupMaybe(PDFName.of('Names'), PDFArray);
  const af = pdf.catalog.lookupMaybe(PDFName.of('AF'), PDFArray);
  const afRefs = new Set(af ? af.asArray().map((r) => r.toString()) : []);
  for (let i = 0; names && i + 1 < names.size(); i += 2) {
    const key = names.lookup(i);
    const name = key instanceof PDFString || key instanceof PDFHexString ? key.decodeText() : String(key);
    const specRef = names.get(i + 1);
    const spec = names.lookup(i + 1, PDFDict);
    const file = spec.lookup(PDFName.of('EF'), PDFDict).lookup(PDFName.of('F'), PDFStream);
    const rel = spec.get(PDFName.of('AFRelationship'));
    out.set(name, { data: streamBytes(file), relationship: rel?.toString(), inAF: afRefs.has(specRef.toString()) });
  }
  return out;
}

/** The text drawn on the first page (pdf-lib writes standard-font text as hex strings). */
function pageText(pdf: PDFDocument): string {
  const contents = pdf.getPage(0).node.Contents();
  const streams =
    contents instanceof PDFArray
      ? contents.asArray().map((r) => pdf.context.lookup(r, PDFStream))
      : [contents as PDFStream];
  const ops = streams.map((s) => streamBytes(s).toString('latin1')).join('\n');
  return [...ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)]
    .map((m) => Buffer.from(m[1] as string, 'hex').toString('latin1'))
    .join('\n');
}

describe('generated invoice documents', () => {
  let draw: GeneratedEmail[];
  beforeAll(async () => {
    draw = await generateEmails({ mailbox: 'docs@contoso.example', count: 600, seed: 7 });
  });

  const documentsOf = (email: GeneratedEmail): { inv: ExpectedInvoice; bytes: Buffer }[] =>
    email.expected.invoices.map((inv) => {
      const att = email.message.attachments.find((a) => a.name === (inv.archiveName ?? inv.attachmentName));
      if (!att) throw new Error(`no attachment for ${inv.attachmentName}`);
      const raw = Buffer.from(att.contentBytes, 'base64');
      if (!inv.archiveName) return { inv, bytes: raw };
      const member = unzip(raw).get(inv.attachmentName);
      if (!member) throw new Error(`no member ${inv.attachmentName} in ${inv.archiveName}`);
      return { inv, bytes: member };
    });

  it('states in the XML (UBL, CII, ZIP members) the values the expected outcome gives', () => {
    let checked = 0;
    for (const email of draw) {
      for (const { inv, bytes } of documentsOf(email)) {
        if (inv.format !== 'ubl' && inv.format !== 'cii') continue;
        const xml = bytes.toString('utf8');
        const got = readXml(xml);
        expect(got.number === null ? null : decodeXmlText(got.number)).toBe(inv.number);
        expect(got.issueDate).toBe(inv.issueDate);
        expect(got.totalAmount).toBe(inv.totalAmount);
        expect(got.payableAmount).toBe(inv.payableAmount);
        expect(got.currency).toBe(inv.currency);
        expect(got.kind).toBe(inv.kind);
        expect(xml.startsWith('<?xml')).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('gives each expected invoice the SHA-256 of the document MS1 reads (the attachment, or the ZIP member)', () => {
    let members = 0;
    let checked = 0;
    for (const email of draw) {
      for (const { inv, bytes } of documentsOf(email)) {
        expect(inv.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
        if (inv.archiveName) members++;
        checked++;
      }
    }
    expect(members).toBeGreaterThan(10);
    expect(checked).toBeGreaterThan(400);
  });

  it('lists two or three XML invoices in each ZIP, readable with inflateRaw', () => {
    const zips = draw.filter((e) => e.expected.case === 'zip');
    expect(zips.length).toBeGreaterThan(0);
    for (const email of zips) {
      const att = email.message.attachments.find((a) => a.name.endsWith('.zip'));
      const members = unzip(Buffer.from(att?.contentBytes ?? '', 'base64'));
      expect([2, 3]).toContain(members.size);
      expect([...members.keys()].sort()).toEqual(email.expected.invoices.map((i) => i.attachmentName).sort());
      for (const inv of email.expected.invoices) expect(inv.archiveName).toBe(att?.name);
    }
  });

  it('embeds factur-x.xml as an associated file in Factur-X PDFs, matching the expected values and the page', async () => {
    let checked = 0;
    for (const email of draw) {
      for (const { inv, bytes } of documentsOf(email)) {
        if (inv.format !== 'facturx') continue;
        const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
        const file = embeddedFiles(pdf).get('factur-x.xml');
        expect(file).toBeDefined();
        expect(['/Alternative', '/Data']).toContain(file?.relationship);
        expect(file?.inAF).toBe(true);
        const got = readXml(file?.data.toString('utf8') ?? '');
        expect(got.number === null ? null : decodeXmlText(got.number)).toBe(inv.number);
        expect(got.totalAmount).toBe(inv.totalAmount);
        expect(got.issueDate).toBe(inv.issueDate);
        expect(got.kind).toBe(inv.kind);
        expect(pageText(pdf)).toContain(inv.number ?? '');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('draws number, VAT id, IBAN and the total on plain PDF invoices', async () => {
    let checked = 0;
    for (const email of draw) {
      for (const { inv, bytes } of documentsOf(email)) {
        if (inv.format !== 'pdf-text') continue;
        const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
        expect(pdf.getPageCount()).toBe(1);
        const text = pageText(pdf);
        for (const value of [inv.number, inv.sellerVatId, inv.iban, inv.currency]) expect(text).toContain(value ?? '');
        const [units, cents] = (inv.totalAmount ?? '').split('.');
        const digitsOnly = text.replace(/[^0-9\n]/g, '');
        expect(digitsOnly).toContain(`${units ?? ''}${cents ?? ''}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('produces unreadable documents for the corrupt and broken cases', async () => {
    for (const email of draw) {
      const att = email.message.attachments[0];
      if (!att) continue;
      const bytes = Buffer.from(att.contentBytes, 'base64');
      if (email.expected.case === 'empty-attachment') expect(att.size).toBe(0);
      if (email.expected.case === 'broken-xml')
        expect(bytes.toString('utf8')).not.toMatch(/<\/(Invoice|CreditNote|rsm:CrossIndustryInvoice)>\s*$/);
      if (email.expected.case === 'corrupt-pdf') {
        expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        await expect(
          PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: true }).then((d) => pageText(d)),
        ).rejects.toThrow();
      }
    }
  });
});
