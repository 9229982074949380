// Big and hostile documents against the reader pool's budgets, in real reader threads: each gives a recorded outcome
// with its reason, a thread stopped for its budget is replaced, and the next document is read fine.
import { DocumentReader, type DocumentResult } from '../src/extract';
import { readFixture } from './helpers/fixtures';
import {
  bigUblInvoice,
  contentBombPdf,
  embeddedFileBombPdf,
  slowTextPdf,
  ublPaddedWithNotes,
} from './helpers/hostile-documents';
import { buildFacturXPdf } from './helpers/pdf-builders';
import { buildZip } from './helpers/zip-builder';

const MB = 1024 * 1024;
const doc = (name: string, bytes: Buffer) => ({ name, contentType: 'application/octet-stream', bytes });
const fixture = () => doc('next.xml', readFixture('ubl/ubl-tc434-example1.xml'));

/**
 * A reader of the production defaults (documents up to 40 MB); a roomy one whose memory limit is out of the way (so
 * that only time can stop a document, however fast the machine is); a lean one (128 MB, time limit out of the way).
 */
const reader = new DocumentReader({ threads: 2, documentMemoryLimitMb: 256, limits: { maxAttachmentBytes: 40 * MB } });
const roomy = new DocumentReader({ threads: 1, documentMemoryLimitMb: 4096, limits: { maxAttachmentBytes: 40 * MB } });
const lean = new DocumentReader({
  threads: 1,
  documentMemoryLimitMb: 128,
  limits: { maxAttachmentBytes: 40 * MB, documentTimeLimitMs: 120_000 },
});
const notes30 = ublPaddedWithNotes(30 * MB);
const slowPdf = slowTextPdf();

beforeAll(async () => {
  // Both pools up, so a replaced thread shows as a new id.
  await Promise.all([reader.extract(fixture()), roomy.extract(fixture()), lean.extract(fixture())]);
});
afterAll(async () => {
  await reader.close();
  await roomy.close();
  await lean.close();
});

/** Reads `input` and checks, beyond its outcome, that one thread was replaced and the next document reads fine. */
async function readStopped(
  r: DocumentReader,
  input: ReturnType<typeof doc>,
  timeLimitMs?: number,
): Promise<DocumentResult> {
  const before = r.threadIds;
  const res = await r.extract(input, timeLimitMs === undefined ? {} : { limits: { documentTimeLimitMs: timeLimitMs } });
  const after = r.threadIds;
  expect(after).toHaveLength(before.length);
  expect(after.filter((id) => !before.includes(id))).toHaveLength(1);
  const next = await r.extract(fixture());
  expect(next.invoices[0]?.invoice.number).toBe('12115118');
  return res;
}

describe('big and hostile documents on a budget', () => {
  it('reads a 30 MB UBL of 38,000 invoice lines (the lines are not parsed)', async () => {
    const xml = bigUblInvoice(30 * MB);
    expect(xml.length).toBeGreaterThanOrEqual(30 * MB);
    // Memory is the point here; a starved machine can take longer than the default 15 s to read 30 MB.
    const res = await reader.extract(doc('big.xml', xml), { limits: { documentTimeLimitMs: 120_000 } });
    expect(res.outcome).toBe('extracted');
    expect(res.invoices[0]?.invoice).toMatchObject({ format: 'ubl', number: '12115118', totalAmount: '250.33' });
    expect(res.invoices[0]?.size).toBe(xml.length);
  });

  it("takes a handed-over document's memory without a copy and gives the bytes back with the invoice", async () => {
    const xml = bigUblInvoice(2 * MB);
    const original = Buffer.from(xml);
    const res = await reader.extract(doc('handed.xml', xml), { handOver: true });
    expect(xml.length).toBe(0); // moved to the reader thread, not copied
    expect(res.invoices[0]?.bytes.equals(original)).toBe(true);
    expect(res.invoices[0]?.size).toBe(original.length);
  });

  it('stops a 30 MB UBL that must be parsed whole at its time limit', async () => {
    // Its parse takes 0.7 to 1.4 s on the 2-core machine: the limit is far below, so no machine reads it in time.
    const res = await readStopped(roomy, doc('notes.xml', notes30), 100);
    expect(res).toMatchObject({ outcome: 'limit-exceeded', reason: 'reading stopped at its 100 ms time limit' });
  });

  it('stops the same UBL at its memory limit', async () => {
    const res = await readStopped(lean, doc('notes.xml', notes30));
    expect(res).toMatchObject({
      outcome: 'limit-exceeded',
      reason: 'reading stopped: it needed more than the 128 MB memory limit',
    });
  });

  it('stops the 400 KB PDF that drew 2.8 million lines at its time limit', async () => {
    expect(slowPdf.length).toBeLessThan(500 * 1024);
    const res = await readStopped(roomy, doc('slow.pdf', slowPdf), 2000);
    expect(res).toMatchObject({ outcome: 'limit-exceeded', reason: 'reading stopped at its 2000 ms time limit' });
  });

  it('stops the same PDF at its memory limit', async () => {
    const res = await readStopped(lean, doc('slow.pdf', slowPdf));
    expect(res.reason).toBe('reading stopped: it needed more than the 128 MB memory limit');
  });

  it('stops a PDF whose content stream inflates to 256 MB at its memory limit (decoded buffers count)', async () => {
    const pdf = await contentBombPdf(256 * MB);
    expect(pdf.length).toBeLessThan(MB);
    const res = await readStopped(lean, doc('bomb.pdf', pdf));
    expect(res.reason).toBe('reading stopped: it needed more than the 128 MB memory limit');
  });

  it('stops a PDF whose embedded factur-x.xml inflates to 256 MB at its memory limit', async () => {
    const pdf = await embeddedFileBombPdf(256 * MB);
    expect(pdf.length).toBeLessThan(MB);
    const res = await readStopped(lean, doc('embedded-bomb.pdf', pdf));
    expect(res.reason).toBe('reading stopped: it needed more than the 128 MB memory limit');
  });

  it('skips an embedded file over the size limit and reads the PDF text instead, with a warning', async () => {
    const embedded = bigUblInvoice(2 * MB);
    const pdf = await buildFacturXPdf(embedded, 'factur-x.xml', 'Invoice No: BIG-1  Total: 5.00 EUR');
    expect(pdf.length).toBeLessThan(MB);
    const res = await reader.extract(doc('big-embedded.pdf', pdf), { limits: { maxAttachmentBytes: MB } });
    expect(res.invoices[0]?.invoice).toMatchObject({ format: 'pdf-text', number: 'BIG-1' });
    expect(res.invoices[0]?.warnings).toContain(
      `embedded file factur-x.xml (${embedded.length} bytes) exceeds the size limit and was not read`,
    );
  });

  it("shares one e-mail's reading time across its documents", async () => {
    // The PDF of 2.8 million lines takes over a minute to read: far more than any of these limits, on any machine.
    const budget = roomy.newEmailBudget({ timeMs: 3000 });
    const read = () => roomy.extract(doc('slow.pdf', slowPdf), { limits: { documentTimeLimitMs: 2000 }, budget });
    const first = await read();
    const second = await read();
    const third = await read();
    expect(first.reason).toBe('reading stopped at its 2000 ms time limit');
    expect(second.reason).toMatch(
      /^reading stopped after \d+ ms: the e-mail's reading time budget of 3000 ms ran out$/,
    );
    expect(third.reason).toBe("not read: the e-mail's reading time budget of 3000 ms is spent");
    expect([first.outcome, second.outcome, third.outcome]).toEqual([
      'limit-exceeded',
      'limit-exceeded',
      'limit-exceeded',
    ]);
    expect(budget.timeLeftMs).toBe(0);
  });

  it("shares one e-mail's bytes across the members of its ZIPs, checking declared sizes before inflating", async () => {
    const member = bigUblInvoice(250 * 1024);
    const zip = buildZip(Array.from({ length: 40 }, (_, i) => ({ name: `invoice-${i}.xml`, data: member })));
    const budget = reader.newEmailBudget({ bytes: zip.length + 10 * member.length + 1000 });
    const res = await reader.extract(doc('batch.zip', zip), { budget });
    expect(res.outcome).toBe('extracted');
    expect(res.invoices).toHaveLength(10);
    expect(res.warnings).toContain(
      `30 member(s) not read: their declared sizes exceed what is left of the e-mail's budget of ${budget.size.bytes} bytes`,
    );
    expect(budget.bytesLeft).toBe(1000);
  });

  it("stops reading a ZIP's members when the e-mail's reading time is spent", async () => {
    const zip = buildZip(Array.from({ length: 3 }, (_, i) => ({ name: `slow-${i}.pdf`, data: slowPdf })));
    const budget = roomy.newEmailBudget({ timeMs: 800 });
    const res = await roomy.extract(doc('slow.zip', zip), {
      limits: { documentTimeLimitMs: 500, maxZipRatio: 100_000 },
      budget,
    });
    expect(res.outcome).toBe('limit-exceeded');
    expect(res.reason).toBe("1 ZIP entries not read: the e-mail's reading time budget of 800 ms is spent");
    expect(res.warnings).toContain('member slow-0.pdf: reading stopped at its 500 ms time limit');
    expect(res.warnings.join('\n')).toMatch(/member slow-1\.pdf: reading stopped after \d+ ms: the e-mail's reading/);
  });
});
