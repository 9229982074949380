// ZIP archives: each member invoice becomes its own result, with the archive's name and its own hash.
import { createHash } from 'node:crypto';
import { readFixture } from './helpers/fixtures';
import { buildFacturXPdf } from './helpers/pdf-builders';
import { buildZip } from './helpers/zip-builder';
import { testReader } from './helpers/reader';

const { extractDocument } = testReader();

describe('ZIP archives', () => {
  it('extracts every member invoice (XML and PDF) with archiveName, skipping images and nested archives', async () => {
    const ubl = readFixture('ubl/ubl-tc434-example3.xml');
    const cii = readFixture('cii/CII_example9.xml');
    const pdf = await buildFacturXPdf(readFixture('cii/CII_example4.xml'));
    const inner = buildZip([{ name: 'inner.xml', data: ubl }]);
    const zip = buildZip([
      { name: 'invoices/ubl-3.xml', data: ubl },
      { name: 'invoices/cii-9.xml', data: cii, method: 'store' },
      { name: 'invoices/facturx-4.pdf', data: pdf },
      { name: 'logo.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
      { name: '__MACOSX/._ubl-3.xml', data: Buffer.from('junk') },
      { name: 'more.zip', data: inner },
      { name: 'readme.bin', data: Buffer.from('hello') },
    ]);
    const res = await extractDocument({ name: 'batch.zip', contentType: 'application/zip', bytes: zip });
    expect(res.outcome).toBe('extracted');
    expect(res.invoices.map((i) => [i.sourceName, i.invoice.format, i.invoice.number])).toEqual([
      ['invoices/ubl-3.xml', 'ubl', 'TOSL108'],
      ['invoices/cii-9.xml', 'cii', '20150483'],
      ['invoices/facturx-4.pdf', 'facturx', 'TOSL110'],
    ]);
    for (const inv of res.invoices) expect(inv.archiveName).toBe('batch.zip');
    expect(res.invoices[0]?.sha256).toBe(createHash('sha256').update(ubl).digest('hex'));
    expect(res.invoices[0]?.size).toBe(ubl.length);
    expect(res.invoices[2]?.contentType).toBe('application/pdf');
    expect(res.warnings.join('\n')).toMatch(/nested archive more\.zip not followed/);
    expect(res.warnings.join('\n')).toMatch(/readme\.bin is neither PDF nor XML/);
  });

  it('keeps the good members when one is broken', async () => {
    const zip = buildZip([
      { name: 'good.xml', data: readFixture('ubl/ubl-tc434-example4.xml') },
      { name: 'cut.xml', data: readFixture('ubl/ubl-tc434-example4.xml').subarray(0, 700) },
    ]);
    const res = await extractDocument({ name: 'mixed.zip', contentType: 'application/octet-stream', bytes: zip });
    expect(res.outcome).toBe('extracted');
    expect(res.invoices).toHaveLength(1);
    expect(res.warnings.join('\n')).toMatch(/member cut\.xml: malformed XML/);
  });

  it('reports a ZIP without documents as not-an-invoice', async () => {
    const zip = buildZip([{ name: 'photo.jpg', data: Buffer.from([0xff, 0xd8, 0xff]) }]);
    const res = await extractDocument({ name: 'p.zip', contentType: 'application/zip', bytes: zip });
    expect(res.outcome).toBe('not-an-invoice');
  });
});
