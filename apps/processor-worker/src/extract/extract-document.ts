// Entry point: one attachment's bytes -> zero or more invoices, with warnings and a recorded outcome.
// Never throws: every failure becomes an outcome with a human reason.

import { createHash } from 'node:crypto';
import { errorMessage } from '@ms1/shared';
import { readEmbeddedInvoice } from './facturx';
import { type ExtractLimits, resolveLimits } from './limits';
import { readPdf } from './pdf';
import { readPdfText } from './pdf-text';
import { contentTypeFor, type SniffedKind, sniffKind } from './sniff';
import type { DocumentInput, DocumentOutcome, DocumentResult, ExtractedInvoice, InvoiceData } from './types';
import { readXmlInvoice } from './xml-invoice';
import { readZip } from './zip';

interface Source {
  name: string;
  bytes: Buffer;
  kind: SniffedKind;
  archiveName?: string;
}

export async function extractDocument(input: DocumentInput, limits?: Partial<ExtractLimits>): Promise<DocumentResult> {
  const lim = resolveLimits(limits);
  try {
    const { bytes } = input;
    if (bytes.length > lim.maxAttachmentBytes) {
      return outcome(
        'limit-exceeded',
        `document is ${bytes.length} bytes, over the ${lim.maxAttachmentBytes}-byte limit`,
      );
    }
    const kind = sniffKind(bytes);
    const warnings = declaredTypeWarnings(input, kind);
    if (kind === 'zip') return withWarnings(await extractZip(input.name, bytes, lim), warnings);
    return withWarnings(await extractSingle({ name: input.name, bytes, kind }, lim), warnings);
  } catch (err) {
    return outcome('unreadable', `extraction failed unexpectedly: ${errorMessage(err)}`);
  }
}

async function extractSingle(src: Source, lim: ExtractLimits): Promise<DocumentResult> {
  switch (src.kind) {
    case 'empty':
      return outcome(
        'empty',
        src.bytes.length === 0 ? 'document is empty (0 bytes)' : 'document holds only whitespace',
      );
    case 'xml':
      return extractXml(src);
    case 'pdf':
      return extractPdf(src, lim);
    case 'zip':
      return outcome('unsupported', 'nested archive not followed');
    default:
      return outcome('unsupported', 'content is neither PDF, XML nor ZIP');
  }
}

function extractXml(src: Source): DocumentResult {
  const read = readXmlInvoice(src.bytes);
  if (!read.ok) return outcome(read.outcome, read.reason);
  return found(
    src,
    read.invoice,
    read.warnings,
    `${read.invoice.format.toUpperCase()} ${read.invoice.kind === 'creditNote' ? 'credit note' : 'invoice'} read`,
  );
}

async function extractPdf(src: Source, lim: ExtractLimits): Promise<DocumentResult> {
  const pdf = await readPdf(src.bytes, {
    maxPages: lim.maxPdfPages,
    timeoutMs: lim.pdfTimeoutMs,
    maxEmbeddedBytes: lim.maxAttachmentBytes,
  });
  if (!pdf.ok) {
    if (pdf.failure === 'unreadable' && /\/Encrypt\b/.test(src.bytes.toString('latin1'))) {
      return outcome('encrypted', `encrypted PDF could not be opened: ${pdf.reason}`);
    }
    return outcome(pdf.failure, pdf.reason);
  }
  const embedded = readEmbeddedInvoice(pdf.attachments);
  if (embedded.found) {
    const label = embedded.invoice.format === 'facturx' ? 'Factur-X/ZUGFeRD' : embedded.invoice.format.toUpperCase();
    return found(
      src,
      embedded.invoice,
      [...embedded.warnings, ...pdf.warnings],
      `${label} XML ${embedded.fileName} embedded in the PDF read`,
    );
  }
  const docWarnings = [...embedded.warnings, ...pdf.warnings];
  const text = pdf.pages.join('\n');
  if (text.trim() === '') {
    return {
      ...outcome('scanned-pdf', `scanned PDF without text (${pdf.numPages} page(s)); OCR would be needed`),
      warnings: ['scanned PDF without text', ...docWarnings],
    };
  }
  const heuristics = readPdfText(pdf.pages);
  if (!heuristics.found) return { ...outcome('not-an-invoice', heuristics.reason), warnings: docWarnings };
  return found(
    src,
    heuristics.invoice,
    [...heuristics.warnings, ...docWarnings],
    `invoice fields read from PDF text (confidence ${heuristics.invoice.confidence})`,
  );
}

async function extractZip(name: string, bytes: Buffer, lim: ExtractLimits): Promise<DocumentResult> {
  const zip = await readZip(bytes, lim);
  const warnings = [...zip.warnings];
  const invoices: ExtractedInvoice[] = [];
  const memberOutcomes: DocumentOutcome[] = [];
  for (const member of zip.members) {
    const kind = sniffKind(member.bytes);
    if (kind === 'zip') {
      warnings.push(`nested archive ${member.name} not followed`);
      continue;
    }
    if (kind !== 'pdf' && kind !== 'xml') {
      warnings.push(`member ${member.name} is neither PDF nor XML; skipped`);
      continue;
    }
    const res = await extractSingle({ name: member.name, bytes: member.bytes, kind, archiveName: name }, lim);
    memberOutcomes.push(res.outcome);
    invoices.push(...res.invoices);
    if (res.outcome !== 'extracted') warnings.push(`member ${member.name}: ${res.reason}`);
    warnings.push(...res.warnings.map((w) => `member ${member.name}: ${w}`));
  }
  if (zip.failure !== null) {
    warnings.push(zip.failure.reason);
    if (invoices.length > 0)
      return {
        outcome: 'extracted',
        reason: `${invoices.length} invoice(s) read from ZIP before: ${zip.failure.reason}`,
        invoices,
        warnings,
      };
    return { outcome: zip.failure.outcome, reason: zip.failure.reason, invoices, warnings };
  }
  if (invoices.length > 0)
    return {
      outcome: 'extracted',
      reason: `${invoices.length} invoice(s) read from ${zip.members.length} ZIP member(s)`,
      invoices,
      warnings,
    };
  if (memberOutcomes.length === 0)
    return { outcome: 'not-an-invoice', reason: 'ZIP holds no PDF or XML document', invoices, warnings };
  const only = memberOutcomes.every((o) => o === memberOutcomes[0]) ? memberOutcomes[0] : undefined;
  return {
    outcome: only ?? 'not-an-invoice',
    reason: `no invoice in ${memberOutcomes.length} ZIP document member(s)`,
    invoices,
    warnings,
  };
}

function found(src: Source, invoice: InvoiceData, warnings: string[], reason: string): DocumentResult {
  const entry: ExtractedInvoice = {
    invoice,
    sourceName: src.name,
    contentType: contentTypeFor(src.kind),
    size: src.bytes.length,
    sha256: createHash('sha256').update(src.bytes).digest('hex'),
    bytes: src.bytes,
    warnings,
  };
  if (src.archiveName !== undefined) entry.archiveName = src.archiveName;
  return { outcome: 'extracted', reason, invoices: [entry], warnings: [] };
}

function outcome(kind: DocumentOutcome, reason: string): DocumentResult {
  return { outcome: kind, reason, invoices: [], warnings: [] };
}

function withWarnings(result: DocumentResult, warnings: string[]): DocumentResult {
  return warnings.length === 0 ? result : { ...result, warnings: [...warnings, ...result.warnings] };
}

/** A name or content type that disagrees with the sniffed content is worth a warning (the content wins). */
function declaredTypeWarnings(input: DocumentInput, kind: SniffedKind): string[] {
  const ext = /\.([a-z0-9]+)$/i.exec(input.name)?.[1]?.toLowerCase() ?? null;
  const expected: Partial<Record<SniffedKind, string[]>> = { pdf: ['pdf'], xml: ['xml'], zip: ['zip'] };
  const exts = expected[kind];
  if (exts !== undefined && ext !== null && ['pdf', 'xml', 'zip'].includes(ext) && !exts.includes(ext)) {
    return [`${input.name} is named .${ext} but its content is ${kind.toUpperCase()}`];
  }
  return [];
}
