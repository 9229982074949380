// Hostile and broken input: every case yields a clear outcome, never a throw.
import { XML_DOCTYPE_REFUSED } from '../src/extract/xml-safety';
import { readFixture } from './helpers/fixtures';
import { buildEncryptedLookingPdf, buildTextPdf } from './helpers/pdf-builders';
import { buildZip, deflatedZeros } from './helpers/zip-builder';
import { testReader } from './helpers/reader';

const { reader, extractDocument } = testReader();

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&lol9;</ID></Invoice>`;

const doc = (name: string, bytes: Buffer, contentType = 'application/octet-stream') => ({ name, contentType, bytes });

describe('malformed and hostile documents', () => {
  it('records an empty attachment as empty', async () => {
    const res = await extractDocument(doc('empty.pdf', Buffer.alloc(0), 'application/pdf'));
    expect(res).toMatchObject({ outcome: 'empty', invoices: [] });
    expect(res.reason).toMatch(/0 bytes/);
  });

  it('records a whitespace-only attachment as empty', async () => {
    expect((await extractDocument(doc('blank.xml', Buffer.from('  \n\t ')))).outcome).toBe('empty');
  });

  it('records a truncated PDF as unreadable', async () => {
    const bytes = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%% truncated');
    const res = await extractDocument(doc('trunc.pdf', bytes, 'application/pdf'));
    expect(res.invoices).toHaveLength(0);
    expect(res.outcome).toBe('unreadable');
    expect(res.reason).toMatch(/corrupt or truncated PDF/);
  });

  it('records a real PDF cut in half as unreadable or textless, never a throw', async () => {
    const full = await buildTextPdf([['Invoice No: INV-1', 'Total: 1.00 EUR']]);
    const res = await extractDocument(doc('half.pdf', full.subarray(0, Math.floor(full.length / 2))));
    expect(['unreadable', 'scanned-pdf', 'not-an-invoice', 'extracted']).toContain(res.outcome);
    expect(res.reason.length).toBeGreaterThan(0);
  });

  it('records an encrypted-looking PDF as encrypted', async () => {
    const res = await extractDocument(doc('locked.pdf', buildEncryptedLookingPdf(), 'application/pdf'));
    expect(res.invoices).toHaveLength(0);
    expect(res.outcome).toBe('encrypted');
    expect(res.reason).toMatch(/encrypt|password/i);
  });

  it('records XML cut at 700 bytes as unreadable with the parser message', async () => {
    const cut = readFixture('ubl/ubl-tc434-example1.xml').subarray(0, 700);
    const res = await extractDocument(doc('cut.xml', cut, 'text/xml'));
    expect(res.outcome).toBe('unreadable');
    expect(res.reason).toMatch(/^malformed XML: /);
    expect(res.invoices).toHaveLength(0);
  });

  it('refuses the billion-laughs entity bomb before parsing', async () => {
    // The DOCTYPE check answers before any parser sees the entities (a parser that expanded them would not come back).
    const res = await extractDocument(doc('lol.xml', Buffer.from(BILLION_LAUGHS), 'text/xml'));
    expect(res.outcome).toBe('refused');
    expect(res.reason).toBe(XML_DOCTYPE_REFUSED);
  });

  it('refuses a DOCTYPE even without entities (external DTD)', async () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE Invoice SYSTEM "http://evil.example/x.dtd"><Invoice/>';
    expect((await extractDocument(doc('d.xml', Buffer.from(xml)))).outcome).toBe('refused');
  });

  it('leaves undeclared entity references as text and decodes the predefined ones', async () => {
    const xml = readFixture('ubl/ubl-tc434-example3.xml')
      .toString('utf8')
      .replace(
        '<cbc:RegistrationName>SubscriptionSeller</cbc:RegistrationName>',
        '<cbc:RegistrationName>Smith &amp; Sons &#x263A; &foo;</cbc:RegistrationName>',
      );
    const res = await extractDocument(doc('e.xml', Buffer.from(xml)));
    expect(res.invoices[0]?.invoice.sellerName).toBe('Smith & Sons \u263a &foo;');
  });

  it('rejects an <Invoice> root in a foreign namespace and reads one without a namespace with a warning', async () => {
    const foreign = await extractDocument(
      doc('acme.xml', Buffer.from('<Invoice xmlns="urn:acme:billing"><ID>1</ID></Invoice>')),
    );
    expect(foreign.outcome).toBe('not-an-invoice');
    expect(foreign.reason).toMatch(/namespace "urn:acme:billing", not UBL 2\.1/);
    const bare = readFixture('ubl/ubl-tc434-example3.xml')
      .toString('utf8')
      .replace(/ xmlns="[^"]*"/, '');
    const res = await extractDocument(doc('bare.xml', Buffer.from(bare)));
    expect(res.invoices[0]?.invoice.number).toBe('TOSL108');
    expect(res.invoices[0]?.warnings.join()).toMatch(/declares no namespace/);
  });

  it('reports XML that is not an invoice as not-an-invoice', async () => {
    const res = await extractDocument(doc('order.xml', Buffer.from('<?xml version="1.0"?><Order><ID>1</ID></Order>')));
    expect(res.outcome).toBe('not-an-invoice');
    expect(res.reason).toMatch(/<Order>/);
  });

  it('detects by content, not by name or content type', async () => {
    const xml = readFixture('ubl/ubl-tc434-example3.xml');
    const res = await extractDocument(doc('invoice.pdf', xml, 'application/pdf'));
    expect(res.outcome).toBe('extracted');
    expect(res.invoices[0]?.invoice.format).toBe('ubl');
    expect(res.invoices[0]?.contentType).toBe('application/xml');
    expect(res.warnings.join()).toMatch(/named \.pdf but its content is XML/);
  });

  it('reports random bytes as unsupported', async () => {
    const res = await extractDocument(doc('x.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4])));
    expect(res.outcome).toBe('unsupported');
  });

  it('refuses a document over maxAttachmentBytes without reading it', async () => {
    const res = await extractDocument(doc('big.xml', Buffer.alloc(2048, 0x20)), { maxAttachmentBytes: 1024 });
    expect(res.outcome).toBe('limit-exceeded');
    expect(res.reason).toMatch(/over the 1024-byte limit/);
  });

  it('records a corrupt ZIP as unreadable', async () => {
    const res = await extractDocument(
      doc('x.zip', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(100, 7)])),
    );
    expect(res.outcome).toBe('unreadable');
    expect(res.reason).toMatch(/corrupt ZIP/);
  });

  describe('zip bombs', () => {
    const bomb = deflatedZeros(64 * 1024 * 1024); // 64 MiB of zeros in ~64 KiB

    it('stops inflating a member at the ratio limit (headers honest)', async () => {
      const zip = buildZip([{ name: 'invoice.xml', data: Buffer.alloc(0), rawDeflated: bomb }]);
      expect(zip.length).toBeLessThan(200 * 1024);
      const res = await extractDocument(doc('bomb.zip', zip), {
        maxAttachmentBytes: 256 * 1024 * 1024,
      });
      expect(res.outcome).toBe('limit-exceeded');
      expect(res.reason).toMatch(/inflates more than 100:1/);
    });

    it('stops inflating at the declared size, not trusting the header', async () => {
      // The header claims 1 KiB; the data inflates to 64 MiB.
      const zip = buildZip([
        { name: 'a.xml', data: Buffer.alloc(0), rawDeflated: { ...bomb, uncompressedSize: 1024 } },
      ]);
      const res = await extractDocument(doc('liar.zip', zip), { maxZipRatio: 1_000_000 });
      expect(res.invoices).toHaveLength(0);
      expect(res.outcome).toBe('limit-exceeded');
      expect(res.reason).toMatch(/inflates past its declared 1024 bytes/);
    });

    it("skips a member declaring more than what is left of the e-mail's bytes, before inflating it", async () => {
      const zip = buildZip([{ name: 'a.xml', data: Buffer.alloc(0), rawDeflated: bomb }]);
      const budget = reader.newEmailBudget({ bytes: 8 * 1024 * 1024 });
      const res = await reader.extract(doc('big.zip', zip), {
        limits: { maxAttachmentBytes: 256 * 1024 * 1024, maxZipRatio: 1_000_000 },
        budget,
      });
      expect(res.outcome).toBe('limit-exceeded');
      expect(res.reason).toMatch(/exceed what is left of the e-mail's budget of 8388608 bytes/);
      expect(budget.bytesLeft).toBe(8 * 1024 * 1024 - zip.length); // the archive itself, nothing inflated
    });

    it('skips a member that declares more than maxAttachmentBytes without inflating it', async () => {
      const zip = buildZip([{ name: 'a.xml', data: Buffer.alloc(0), rawDeflated: bomb }]);
      const res = await extractDocument(doc('declared.zip', zip));
      expect(res.invoices).toHaveLength(0);
      expect(res.warnings.join()).toMatch(/declares 67108864 bytes/);
    });

    it('refuses an archive with too many entries', async () => {
      const entries = Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.xml`, data: Buffer.from('<a/>') }));
      const res = await extractDocument(doc('many.zip', buildZip(entries)), { maxZipEntries: 20 });
      expect(res.outcome).toBe('limit-exceeded');
      expect(res.reason).toMatch(/30 entries, more than the limit of 20/);
    });
  });

  it('bounds PDF reading time', async () => {
    const pdf = await buildTextPdf([['Invoice No: SLOW-1', 'Total: 1.00 EUR']]);
    const res = await extractDocument(doc('slow.pdf', pdf), { documentTimeLimitMs: 1 });
    expect(['limit-exceeded', 'extracted']).toContain(res.outcome); // 1 ms is almost always overrun
    const after = await extractDocument(doc('next.pdf', pdf)); // the reader recovers after a stopped document
    expect(after.invoices[0]?.invoice.number).toBe('SLOW-1');
  });
});
