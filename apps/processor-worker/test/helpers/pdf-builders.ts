// Builds test PDFs with pdf-lib: Factur-X (CII XML embedded as factur-x.xml), plain text, image-only.
import { AFRelationship, PDFDocument, StandardFonts } from 'pdf-lib';

export async function buildFacturXPdf(
  xml: Buffer,
  fileName = 'factur-x.xml',
  visibleText = 'Invoice (see embedded Factur-X XML)',
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText(visibleText, { x: 50, y: 750, size: 12, font });
  await doc.attach(xml, fileName, {
    mimeType: 'text/xml',
    description: 'Factur-X invoice',
    afRelationship: AFRelationship.Alternative,
  });
  return Buffer.from(await doc.save());
}

/** One page per entry of `pages`, each line drawn with Helvetica. */
export async function buildTextPdf(pages: string[][]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage();
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 18, size: 11, font }));
  }
  return Buffer.from(await doc.save());
}

/** A page with only vector graphics and no text: what a scan looks like to a text extractor. */
export async function buildNoTextPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage();
  page.drawRectangle({ x: 50, y: 500, width: 300, height: 200 });
  return Buffer.from(await doc.save());
}

/**
 * A PDF whose trailer names a Standard security handler (RC4, revision 2) with an owner/user password
 * that the empty password does not open.
 */
export function buildEncryptedLookingPdf(): Buffer {
  const hex32 = 'a1'.repeat(32);
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj',
    '4 0 obj << /Length 8 >> stream\n12345678\nendstream endobj',
    `5 0 obj << /Filter /Standard /V 1 /R 2 /O <${hex32}> /U <${hex32}> /P -44 >> endobj`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (const obj of objects) {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${obj}\n`;
  }
  const xrefAt = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer << /Size ${objects.length + 1} /Root 1 0 R /Encrypt 5 0 R /ID [<${'0'.repeat(32)}> <${'0'.repeat(32)}>] >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
