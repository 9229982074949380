// Small pure helpers: decimals, dates, sniffing.
import { ciiDate, findPrintedDates, isoDate } from '../src/extract/dates';
import { normalizePrintedAmount, xmlAmount } from '../src/extract/decimals';
import { ibanChecksumOk } from '../src/extract/pdf-text';
import { decodeXmlText, sniffKind } from '../src/extract/sniff';
import { fixturePath } from './helpers/fixtures';
import fs from 'node:fs';
import { testReader } from './helpers/reader';

const { extractDocument } = testReader();

describe('decimals', () => {
  it('keeps XML amounts exactly as written, trimmed', () => {
    expect(xmlAmount(' 229.60 ')).toBe('229.60');
    expect(xmlAmount('1e3')).toBe('1e3');
    expect(xmlAmount('   ')).toBeNull();
    expect(xmlAmount(null)).toBeNull();
  });

  it.each([
    ['1,234.50', '1234.50'],
    ['1.234,50', '1234.50'],
    ['1 234,50', '1234.50'],
    ["1'234.50", '1234.50'],
    ['1234', '1234'],
    ['12,5', '12.5'],
    ['-99.99', '-99.99'],
    ['1.234.567,89', '1234567.89'],
    ['0.10', '0.10'],
  ])('normalises printed amount %s to %s', (raw, expected) => {
    expect(normalizePrintedAmount(raw)).toBe(expected);
  });

  it('rejects what is not an amount', () => {
    expect(normalizePrintedAmount('12,34,5')).toBeNull();
    expect(normalizePrintedAmount('abc')).toBeNull();
  });
});

describe('dates', () => {
  it('converts CII format 102 and ISO dates', () => {
    expect(ciiDate('20240131', '102')).toBe('2024-01-31');
    expect(ciiDate('20240230', '102')).toBeNull();
    expect(ciiDate('202401', '610')).toBeNull();
    expect(isoDate('2024-01-31+01:00')).toBe('2024-01-31');
    expect(isoDate('31.01.2024')).toBeNull();
  });

  it('finds printed dates in several notations', () => {
    expect(findPrintedDates('am 31.01.2024 und 2024-02-29, le 5 mars 2024, on March 7, 2024')).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-05',
      '2024-03-07',
    ]);
  });
});

describe('sniffing and IBAN', () => {
  it('sniffs by magic bytes', () => {
    expect(sniffKind(Buffer.from('%PDF-1.7'))).toBe('pdf');
    expect(sniffKind(Buffer.from('PK\x03\x04', 'latin1'))).toBe('zip');
    expect(sniffKind(Buffer.from('\ufeff<?xml version="1.0"?><a/>'))).toBe('xml');
    expect(sniffKind(Buffer.from('  <a/>'))).toBe('xml');
    expect(sniffKind(Buffer.alloc(0))).toBe('empty');
    expect(sniffKind(Buffer.from('hello'))).toBe('unknown');
  });

  it('checks IBAN mod-97', () => {
    expect(ibanChecksumOk('DE89370400440532013000')).toBe(true);
    expect(ibanChecksumOk('DE89370400440532013001')).toBe(false);
  });
});

describe('XML text decoding', () => {
  it('honours an ISO-8859-1 declaration', () => {
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>M\u00fcller</a>', 'latin1');
    expect(decodeXmlText(latin1)).toEqual({ text: expect.stringContaining('M\u00fcller'), warnings: [] });
    const utf8 = Buffer.from('\ufeff<?xml version="1.0" encoding="UTF-8"?><a>M\u00fcller</a>', 'utf8');
    expect(decodeXmlText(utf8).text).toContain('M\u00fcller');
  });

  it('reads an unknown declared charset as UTF-8 and says so', async () => {
    const xml = fs
      .readFileSync(fixturePath('ubl/ubl-tc434-example1.xml'), 'utf8')
      .replace(/^<\?xml[^>]*\?>/, '<?xml version="1.0" encoding="x-klingon-7"?>');
    const decoded = decodeXmlText(Buffer.from(xml, 'utf8'));
    expect(decoded.warnings).toEqual(['unknown character encoding "x-klingon-7" declared; read as UTF-8']);
    const result = await extractDocument({
      name: 'invoice.xml',
      contentType: 'application/xml',
      bytes: Buffer.from(xml, 'utf8'),
    });
    expect(result.outcome).toBe('extracted');
    expect(result.invoices[0]?.invoice.number).toBe('12115118');
    expect([...result.warnings, ...(result.invoices[0]?.warnings ?? [])].join('\n')).toContain(
      'unknown character encoding "x-klingon-7"',
    );
  });
});
