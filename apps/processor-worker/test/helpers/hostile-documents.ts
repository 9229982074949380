// Big and hostile documents, built in the test: a legitimately big UBL, a UBL that must be parsed whole, PDFs that
// are slow or memory-hungry to read (a huge content stream, a decode bomb, an embedded-file bomb).
import * as zlib from 'node:zlib';
import { readFixture } from './fixtures';

const UBL_FIXTURE = 'ubl/ubl-tc434-example1.xml';

/** The UBL fixture with its first invoice line repeated until the document weighs `bytes`: a big, honest invoice. */
export function bigUblInvoice(bytes: number): Buffer {
  const xml = readFixture(UBL_FIXTURE).toString('utf8');
  const line = /<cac:InvoiceLine>[\s\S]*?<\/cac:InvoiceLine>/.exec(xml)?.[0];
  if (line === undefined) throw new Error(`${UBL_FIXTURE} has no invoice line`);
  const copies = Math.ceil((bytes - xml.length) / (line.length + 1));
  return Buffer.from(xml.replace(line, `${line}\n`.repeat(copies) + line), 'utf8');
}

/**
 * The UBL fixture padded to `bytes` with header notes: nothing in it may be skipped, so the reader builds a tree of
 * a million elements (many seconds and hundreds of MB).
 */
export function ublPaddedWithNotes(bytes: number): Buffer {
  const xml = readFixture(UBL_FIXTURE).toString('utf8');
  const note = '<cbc:Note>Padding note of a hostile invoice</cbc:Note>\n';
  const copies = Math.ceil((bytes - xml.length) / note.length);
  const anchor = '<cbc:DocumentCurrencyCode>';
  if (!xml.includes(anchor)) throw new Error(`${UBL_FIXTURE} has no ${anchor}`);
  return Buffer.from(xml.replace(anchor, note.repeat(copies) + anchor), 'utf8');
}

/** A one-page PDF from raw objects (object n is `objects[n - 1]`), with a correct cross-reference table. */
export function rawPdf(objects: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n', 'latin1')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(length);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(obj);
    length += obj.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer << /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

function dict(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

function stream(dictionary: string, data: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`<< ${dictionary} /Length ${data.length} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

/** zlib-deflated `size` bytes of `fill`, produced chunk by chunk (never holding the inflated bytes). */
export async function deflatedFill(size: number, fill = 0x20): Promise<Buffer> {
  const deflate = zlib.createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  const chunk = Buffer.alloc(1024 * 1024, fill);
  for (let left = size; left > 0; left -= chunk.length) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat(out);
}

function onePagePdf(content: Buffer, extraCatalog = '', extraObjects: Buffer[] = []): Buffer {
  return rawPdf([
    dict(`<< /Type /Catalog /Pages 2 0 R ${extraCatalog} >>`),
    dict('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    dict(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    ),
    stream('/Filter /FlateDecode', content),
    dict('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    ...extraObjects,
  ]);
}

/**
 * About 400 KB: one page whose content stream draws a line of text 2.8 million times (120 MB once inflated). The
 * previous reader spent its whole 15 s and more than 1 GB on it; unbounded it takes minutes.
 */
export function slowTextPdf(): Buffer {
  const op = 'BT /F1 12 Tf 72 712 Td (Invoice line text) Tj ET\n';
  return onePagePdf(zlib.deflateSync(Buffer.from(op.repeat(2_800_000), 'latin1'), { level: 9 }));
}

/** A page whose content stream inflates to `inflated` bytes of spaces: a decode bomb a few hundred KB long. */
export async function contentBombPdf(inflated: number): Promise<Buffer> {
  return onePagePdf(await deflatedFill(inflated));
}

/** A PDF with visible invoice text and an embedded factur-x.xml whose stream inflates to `inflated` bytes. */
export async function embeddedFileBombPdf(inflated: number): Promise<Buffer> {
  const text = zlib.deflateSync(Buffer.from('BT /F1 12 Tf 72 712 Td (Invoice No: BOMB-1 Total: 10.00 EUR) Tj ET\n'));
  return onePagePdf(text, '/Names << /EmbeddedFiles << /Names [(factur-x.xml) 6 0 R] >> >>', [
    dict('<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /EF << /F 7 0 R >> >>'),
    stream('/Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode', await deflatedFill(inflated, 0x3c)),
  ]);
}
