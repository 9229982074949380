// Factur-X / ZUGFeRD 2 / XRechnung-in-PDF: the structured invoice is a CII XML file embedded in the PDF.

import type { PdfEmbeddedFile } from './pdf';
import type { InvoiceData } from './types';
import { readXmlInvoice } from './xml-invoice';

/** Names the standards prescribe, in order of preference; any other embedded .xml is tried afterwards. */
const KNOWN_NAMES = ['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml'];

export type EmbeddedInvoiceRead =
  { found: true; invoice: InvoiceData; warnings: string[]; fileName: string } | { found: false; warnings: string[] };

export function readEmbeddedInvoice(files: PdfEmbeddedFile[]): EmbeddedInvoiceRead {
  const warnings: string[] = [];
  const rank = (f: PdfEmbeddedFile): number => {
    const idx = KNOWN_NAMES.indexOf(f.name.toLowerCase());
    return idx === -1 ? KNOWN_NAMES.length : idx;
  };
  const candidates = files.filter((f) => /\.xml$/i.test(f.name)).sort((a, b) => rank(a) - rank(b));
  for (const file of candidates) {
    if (file.content === null) {
      warnings.push(`embedded file ${file.name} (${file.size} bytes) exceeds the size limit and was not read`);
      continue;
    }
    const read = readXmlInvoice(file.content, 'facturx');
    if (read.ok) {
      const extra =
        read.invoice.format === 'facturx'
          ? []
          : [`embedded ${file.name} is ${read.invoice.format.toUpperCase()}, not CII`];
      return {
        found: true,
        invoice: read.invoice,
        warnings: [...warnings, ...extra, ...read.warnings],
        fileName: file.name,
      };
    }
    warnings.push(`embedded file ${file.name} is not a readable invoice: ${read.reason}`);
  }
  return { found: false, warnings };
}
