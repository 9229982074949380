import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

/** Characters the standard Helvetica font (WinAnsi) can draw; others become '?'. */
export function winAnsi(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e\xa0-\xff€]/g, '?');
}

/** A one-page A4 document with deterministic metadata (no clock, no random ids), and a cursor for lines of text. */
export class PdfPage {
  private constructor(
    readonly doc: PDFDocument,
    readonly page: PDFPage,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {}

  y = 790;

  static async create(title: string, author: string, date: Date): Promise<PdfPage> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.setTitle(winAnsi(title));
    doc.setAuthor(winAnsi(author));
    doc.setCreator('graph-sim invoice generator');
    doc.setProducer('pdf-lib (https://github.com/Hopding/pdf-lib)');
    doc.setCreationDate(date);
    doc.setModificationDate(date);
    const page = doc.addPage([595.28, 841.89]);
    const [font, bold] = await Promise.all([
      doc.embedFont(StandardFonts.Helvetica),
      doc.embedFont(StandardFonts.HelveticaBold),
    ]);
    return new PdfPage(doc, page, font, bold);
  }

  text(x: number, text: string, opts: { size?: number; bold?: boolean; right?: boolean } = {}): void {
    const size = opts.size ?? 10;
    const font = opts.bold ? this.bold : this.font;
    const clean = winAnsi(text);
    const left = opts.right ? x - font.widthOfTextAtSize(clean, size) : x;
    this.page.drawText(clean, { x: left, y: this.y, size, font, color: rgb(0.1, 0.1, 0.1) });
  }

  /** Moves the cursor down by one line of the given size. */
  down(size = 10, factor = 1.5): void {
    this.y -= size * factor;
  }

  rule(): void {
    this.page.drawLine({
      start: { x: 50, y: this.y + 4 },
      end: { x: 545, y: this.y + 4 },
      thickness: 0.5,
      color: rgb(0.6, 0.6, 0.6),
    });
    this.down();
  }

  /** A label on the left and its value right-aligned, on one line. */
  pair(label: string, value: string, bold = false): void {
    this.text(320, label, { bold });
    this.text(545, value, { bold, right: true });
    this.down();
  }

  save(): Promise<Uint8Array> {
    return this.doc.save({ useObjectStreams: false });
  }
}
