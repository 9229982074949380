// Reads a PDF's embedded files and page text with pdfjs-dist. Runs inside a reader thread (reader-thread.ts), where
// pdfjs, an ES module, is imported natively once per thread; the pool bounds each document in time and memory.

import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist';
import { errorMessage } from '@ms1/shared/plain';

type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs', { with: { 'resolution-mode': 'import' } });
type TextContent = Awaited<ReturnType<PDFPageProxy['getTextContent']>>;

let pdfjs: Promise<Pdfjs> | null = null;

/**
 * pdfjs and its worker module, imported on first use (the thread entry does it before its first document). The worker
 * module, imported here, sets `globalThis.pdfjsWorker`, and pdfjs then runs it in this thread as it is; else it
 * imports the module itself on the first `getDocument`, inside that document's time limit.
 */
export function loadPdfjs(): Promise<Pdfjs> {
  pdfjs ??= Promise.all([
    import('pdfjs-dist/legacy/build/pdf.mjs'),
    import('pdfjs-dist/legacy/build/pdf.worker.mjs'),
  ]).then(([lib]) => lib);
  return pdfjs;
}

/** Whether pdfjs will find its worker in this thread (the reader thread reports it when it is ready). */
export function pdfjsWorkerLoaded(): boolean {
  const global = globalThis as { pdfjsWorker?: { WorkerMessageHandler?: unknown } };
  return typeof global.pdfjsWorker?.WorkerMessageHandler === 'function';
}

export type PdfOpenResult =
  { ok: true; pdf: OpenPdf } | { ok: false; failure: 'encrypted' | 'unreadable'; reason: string };

/** An embedded file as listed: its content is decoded only when asked for. */
export interface EmbeddedFileEntry {
  id: string;
  name: string;
}

export interface PageTexts {
  pages: string[];
  warnings: string[];
}

export class OpenPdf {
  constructor(
    private readonly doc: PDFDocumentProxy,
    private readonly destroy: () => Promise<void>,
  ) {}

  get numPages(): number {
    return this.doc.numPages;
  }

  async embeddedFiles(): Promise<EmbeddedFileEntry[]> {
    const found = await this.doc.getAttachments();
    if (found === null) return [];
    return [...found].map(([id, meta]) => ({ id, name: meta.filename || id }));
  }

  /** Decodes one embedded file (pdfjs exposes no size before decoding: the thread's memory limit bounds it). */
  async embeddedFileContent(id: string): Promise<Uint8Array | null> {
    return this.doc.getAttachmentContent(id);
  }

  /** Text of the first `maxPages` pages, one string per page; unreadable pages become warnings. */
  async pageTexts(maxPages: number): Promise<PageTexts> {
    const pages: string[] = [];
    const warnings: string[] = [];
    const last = Math.min(this.doc.numPages, maxPages);
    for (let i = 1; i <= last; i += 1) {
      try {
        const page = await this.doc.getPage(i);
        pages.push(joinTextItems(await page.getTextContent()));
        page.cleanup();
      } catch (err) {
        warnings.push(`page ${i} unreadable: ${errorMessage(err)}`);
      }
    }
    if (this.doc.numPages > last) warnings.push(`text read from the first ${last} of ${this.doc.numPages} pages`);
    return { pages, warnings };
  }

  close(): Promise<void> {
    return this.destroy();
  }
}

/** Opens a PDF. pdfjs takes ownership of the bytes it is given, so it gets a copy. */
export async function openPdf(bytes: Uint8Array): Promise<PdfOpenResult> {
  const lib = await loadPdfjs();
  const task = lib.getDocument({
    data: new Uint8Array(bytes),
    disableFontFace: true,
    useSystemFonts: false,
    disableAutoFetch: true,
    stopAtErrors: false,
    verbosity: lib.VerbosityLevel.ERRORS,
  });
  try {
    const doc = await task.promise;
    return { ok: true, pdf: new OpenPdf(doc, () => task.destroy()) };
  } catch (err) {
    await task.destroy().catch(() => undefined);
    if (err instanceof Error && err.name === 'PasswordException') {
      return { ok: false, failure: 'encrypted', reason: 'PDF is password-protected (encrypted)' };
    }
    return { ok: false, failure: 'unreadable', reason: `corrupt or truncated PDF: ${errorMessage(err)}` };
  }
}

/** Joins text items into lines: a jump in the baseline starts a new line, neighbours on a line get one space. */
function joinTextItems(content: TextContent): string {
  let out = '';
  let lastY: number | null = null;
  for (const item of content.items) {
    if (!('str' in item)) continue;
    const y = typeof item.transform[5] === 'number' ? item.transform[5] : null;
    if (out !== '' && !out.endsWith('\n')) {
      if (lastY !== null && y !== null && Math.abs(y - lastY) > 2) out += '\n';
      else if (!out.endsWith(' ') && !item.str.startsWith(' ')) out += ' ';
    }
    out += item.str;
    if (item.hasEOL) out += '\n';
    if (y !== null) lastY = y;
  }
  return out.replace(/[ \t]+\n/g, '\n');
}
