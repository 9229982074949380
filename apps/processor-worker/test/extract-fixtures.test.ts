// Every shared e-invoice fixture is extracted without throwing; hand-read values are checked for 17 of them;
// field accuracy against an independent regex reading is measured and printed.
import { EXPECTED_CII, EXPECTED_UBL, pickExpected } from './helpers/expected';
import { listFixtures, readFixture } from './helpers/fixtures';
import { readIndependently, type IndependentFields } from './helpers/independent-reading';
import { testReader } from './helpers/reader';

const { extractDocument } = testReader();

describe('e-invoice fixtures', () => {
  it('finds the fixture folder with UBL and CII files', () => {
    const files = listFixtures();
    expect(files.filter((f) => f.startsWith('ubl/')).length).toBeGreaterThan(10);
    expect(files.filter((f) => f.startsWith('cii/')).length).toBeGreaterThan(10);
  });

  it('extracts every fixture to exactly one invoice without throwing', async () => {
    for (const file of listFixtures()) {
      const res = await extractDocument({
        name: file.split('/')[1] ?? file,
        contentType: 'application/xml',
        bytes: readFixture(file),
      });
      expect({ file, outcome: res.outcome, reason: res.outcome === 'extracted' ? '' : res.reason }).toEqual({
        file,
        outcome: 'extracted',
        reason: '',
      });
      expect(res.invoices).toHaveLength(1);
      const inv = res.invoices[0]?.invoice;
      expect(inv?.format).toBe(file.startsWith('ubl/') ? 'ubl' : 'cii');
      expect(inv?.confidence).toBe(1);
    }
  });

  it.each(Object.entries(EXPECTED_UBL))('reads UBL %s', async (file, expected) => {
    const res = await extractDocument({ name: file, contentType: 'text/xml', bytes: readFixture(file) });
    const extracted = res.invoices[0];
    expect(extracted).toBeDefined();
    expect(extracted?.invoice.format).toBe('ubl');
    expect(pickExpected(extracted!.invoice)).toEqual(expected);
  });

  it.each(Object.entries(EXPECTED_CII))('reads CII %s', async (file, expected) => {
    const res = await extractDocument({
      name: file,
      contentType: 'application/octet-stream',
      bytes: readFixture(file),
    });
    const extracted = res.invoices[0];
    expect(extracted?.invoice.format).toBe('cii');
    expect(pickExpected(extracted!.invoice)).toEqual(expected);
  });

  it('reads the UBL credit note as kind creditNote and the invoices as invoice', async () => {
    const cn = await extractDocument({
      name: 'cn.xml',
      contentType: 'text/xml',
      bytes: readFixture('ubl/ubl-tc434-creditnote1.xml'),
    });
    expect(cn.invoices[0]?.invoice.kind).toBe('creditNote');
    const inv = await extractDocument({
      name: 'inv.xml',
      contentType: 'text/xml',
      bytes: readFixture('ubl/ubl-tc434-example1.xml'),
    });
    expect(inv.invoices[0]?.invoice.kind).toBe('invoice');
  });

  it('treats CII type code 381 as a credit note', async () => {
    const xml = readFixture('cii/CII_example4.xml')
      .toString('utf8')
      .replace('<ram:TypeCode>380</ram:TypeCode>', '<ram:TypeCode>381</ram:TypeCode>');
    const res = await extractDocument({ name: 'cn.xml', contentType: 'text/xml', bytes: Buffer.from(xml) });
    expect(res.invoices[0]?.invoice.kind).toBe('creditNote');
  });

  it('matches on local names whatever the namespace prefixes', async () => {
    const xml = readFixture('cii/CII_example4.xml')
      .toString('utf8')
      .replace(/<(\/?)ram:/g, '<$1r:')
      .replace(/xmlns:ram=/, 'xmlns:r=')
      .replace(/<(\/?)rsm:/g, '<$1x:')
      .replace(/xmlns:rsm=/, 'xmlns:x=');
    const res = await extractDocument({ name: 'p.xml', contentType: 'text/xml', bytes: Buffer.from(xml) });
    expect(pickExpected(res.invoices[0]!.invoice)).toEqual(EXPECTED_CII['cii/CII_example4.xml']);
  });

  it('records the document size and SHA-256', async () => {
    const bytes = readFixture('ubl/ubl-tc434-example3.xml');
    const res = await extractDocument({ name: 'x.xml', contentType: 'text/xml', bytes });
    expect(res.invoices[0]?.size).toBe(bytes.length);
    expect(res.invoices[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.invoices[0]?.archiveName).toBeUndefined();
  });

  it('agrees with an independent regex reading on at least 98% of the fields (and prints the figure)', async () => {
    const fields: (keyof IndependentFields)[] = [
      'number',
      'issueDate',
      'currency',
      'taxExclusiveAmount',
      'totalAmount',
      'payableAmount',
    ];
    let compared = 0;
    let agreed = 0;
    const disagreements: string[] = [];
    for (const file of listFixtures()) {
      const bytes = readFixture(file);
      const independent = readIndependently(bytes.toString('utf8'));
      const res = await extractDocument({ name: file, contentType: 'application/xml', bytes });
      const inv = res.invoices[0]?.invoice;
      for (const field of fields) {
        compared += 1;
        const mine = inv ? inv[field] : null;
        if (mine === independent[field]) agreed += 1;
        else
          disagreements.push(
            `${file} ${field}: extractor=${JSON.stringify(mine)} regex=${JSON.stringify(independent[field])}`,
          );
      }
    }
    const pct = ((100 * agreed) / compared).toFixed(1);
    console.log(
      `field accuracy vs independent reading: ${agreed}/${compared} = ${pct}% over ${listFixtures().length} fixtures\n${disagreements.join('\n')}`,
    );
    expect(compared).toBe(listFixtures().length * fields.length);
    expect(agreed / compared).toBeGreaterThanOrEqual(0.98);
  });
});
