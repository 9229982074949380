// Reads one XML or PDF document into a DocumentReading. Runs inside a reader thread: everything here may be slow
// or memory-hungry on hostile input, and the pool stops the thread when it overruns its budget.

import { createHash } from 'node:crypto';
import { readEmbeddedInvoice } from './facturx';
import { openPdf } from './pdf';
import { readPdfText } from './pdf-text';
import type { DocumentReading, ReadTask } from './reading';
import type { DocumentOutcome, InvoiceData } from './types';
import { readXmlInvoice } from './xml-invoice';

export async function readDocument(task: ReadTask): Promise<DocumentReading> {
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  return task.kind === 'xml' ? readXml(bytes) : readPdf(bytes, task);
}

function readXml(bytes: Buffer): DocumentReading {
  const read = readXmlInvoice(bytes);
  if (!read.ok) return notFound(read.outcome, read.reason);
  const what = read.invoice.kind === 'creditNote' ? 'credit note' : 'invoice';
  return found(bytes, read.invoice, read.warnings, `${read.invoice.format.toUpperCase()} ${what} read`, 0);
}

async function readPdf(bytes: Buffer, task: ReadTask): Promise<DocumentReading> {
  const opened = await openPdf(bytes);
  if (!opened.ok) {
    if (opened.failure === 'unreadable' && /\/Encrypt\b/.test(bytes.toString('latin1'))) {
      return notFound('encrypted', `encrypted PDF could not be opened: ${opened.reason}`);
    }
    return notFound(opened.failure, opened.reason);
  }
  const { pdf } = opened;
  try {
    const embedded = await readEmbeddedInvoice(
      { list: () => pdf.embeddedFiles(), content: (id) => pdf.embeddedFileContent(id) },
      task.maxEmbeddedBytes,
    );
    if (embedded.found) {
      const label = embedded.invoice.format === 'facturx' ? 'Factur-X/ZUGFeRD' : embedded.invoice.format.toUpperCase();
      return found(
        bytes,
        embedded.invoice,
        embedded.warnings,
        `${label} XML ${embedded.fileName} embedded in the PDF read`,
        embedded.bytesDecoded,
      );
    }
    const text = await pdf.pageTexts(task.maxPdfPages);
    const docWarnings = [...embedded.warnings, ...text.warnings];
    if (text.pages.join('\n').trim() === '') {
      const reason = `scanned PDF without text (${pdf.numPages} page(s)); OCR would be needed`;
      return notFound('scanned-pdf', reason, ['scanned PDF without text', ...docWarnings], embedded.bytesDecoded);
    }
    const heuristics = readPdfText(text.pages);
    if (!heuristics.found) return notFound('not-an-invoice', heuristics.reason, docWarnings, embedded.bytesDecoded);
    return found(
      bytes,
      heuristics.invoice,
      [...heuristics.warnings, ...docWarnings],
      `invoice fields read from PDF text (confidence ${heuristics.invoice.confidence})`,
      embedded.bytesDecoded,
    );
  } finally {
    await pdf.close();
  }
}

function found(
  bytes: Buffer,
  invoice: InvoiceData,
  warnings: string[],
  reason: string,
  embeddedBytes: number,
): DocumentReading {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { found: true, invoice, sha256, reason, warnings, embeddedBytes };
}

function notFound(
  outcome: DocumentOutcome,
  reason: string,
  warnings: string[] = [],
  embeddedBytes = 0,
): DocumentReading {
  return { found: false, outcome, reason, warnings, embeddedBytes };
}
