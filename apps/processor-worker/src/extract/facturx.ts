// Factur-X / ZUGFeRD 2 / XRechnung-in-PDF: the structured invoice is a CII XML file embedded in the PDF.
// Candidates are decoded one at a time, best name first, and reading stops at the first readable invoice.

import type { EmbeddedFileEntry } from './pdf';
import { errorMessage } from '@ms1/shared/plain';
import type { InvoiceData } from './types';
import { readXmlInvoice } from './xml-invoice';

/** Names the standards prescribe, in order of preference; any other embedded .xml is tried afterwards. */
const KNOWN_NAMES = ['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml'];

export interface EmbeddedFiles {
  list(): Promise<EmbeddedFileEntry[]>;
  content(id: string): Promise<Uint8Array | null>;
}

export type EmbeddedInvoiceRead = (
  { found: true; invoice: InvoiceData; warnings: string[]; fileName: string } | { found: false; warnings: string[] }
) & { bytesDecoded: number };

export async function readEmbeddedInvoice(files: EmbeddedFiles, maxBytes: number): Promise<EmbeddedInvoiceRead> {
  const warnings: string[] = [];
  let bytesDecoded = 0;
  const rank = (f: EmbeddedFileEntry): number => {
    const idx = KNOWN_NAMES.indexOf(f.name.toLowerCase());
    return idx === -1 ? KNOWN_NAMES.length : idx;
  };
  let listed: EmbeddedFileEntry[];
  try {
    listed = await files.list();
  } catch (err) {
    return { found: false, warnings: [`embedded files unreadable: ${errorMessage(err)}`], bytesDecoded };
  }
  const candidates = listed.filter((f) => /\.xml$/i.test(f.name)).sort((a, b) => rank(a) - rank(b));
  for (const file of candidates) {
    let content: Uint8Array | null;
    try {
      content = await files.content(file.id);
    } catch (err) {
      warnings.push(`embedded file ${file.name} unreadable: ${errorMessage(err)}`);
      continue;
    }
    if (content === null) {
      warnings.push(`embedded file ${file.name} has no readable content`);
      continue;
    }
    bytesDecoded += content.length;
    if (content.length > maxBytes) {
      warnings.push(`embedded file ${file.name} (${content.length} bytes) exceeds the size limit and was not read`);
      continue;
    }
    const read = readXmlInvoice(Buffer.from(content.buffer, content.byteOffset, content.byteLength), 'facturx');
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
        bytesDecoded,
      };
    }
    warnings.push(`embedded file ${file.name} is not a readable invoice: ${read.reason}`);
  }
  return { found: false, warnings, bytesDecoded };
}
