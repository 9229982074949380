// Reads a PDF's embedded files and page text with pdfjs-dist 5 in a long-lived worker thread, one document
// at a time, each bounded in time (the thread is terminated and replaced when a document overruns) and
// the thread bounded in heap. The thread is unref'd: it never keeps a process alive.

import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errorMessage, isRecord } from '@ms1/shared';
import { PDF_WORKER_SOURCE } from './pdf-worker-source';

export interface PdfEmbeddedFile {
  name: string;
  size: number;
  /** null when larger than the embedded-file limit. */
  content: Buffer | null;
}

export type PdfReadResult =
  | { ok: true; numPages: number; attachments: PdfEmbeddedFile[]; pages: string[]; warnings: string[] }
  | { ok: false; failure: 'encrypted' | 'unreadable' | 'limit-exceeded'; reason: string };

export interface PdfReadOptions {
  maxPages: number;
  /** Bound for one document, counted from when the reader thread starts on it (queue wait excluded). */
  timeoutMs: number;
  maxEmbeddedBytes: number;
}

/** Heap limit of the reader thread, and how many documents it serves before it is replaced (bounds leaks). */
const MAX_HEAP_MB = 512;
const RECYCLE_AFTER = 500;

interface Job {
  id: number;
  bytes: Buffer;
  options: PdfReadOptions;
  resolve: (result: PdfReadResult) => void;
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

export class PdfReaderThread {
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | null = null;
  private served = 0;
  private nextId = 1;
  private pdfjsUrl: string | null = null;

  read(bytes: Buffer, options: PdfReadOptions): Promise<PdfReadResult> {
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, bytes, options, resolve });
      this.pump();
    });
  }

  /** Stops the thread; queued documents resolve as unreadable. */
  async close(): Promise<void> {
    const pending = this.queue.splice(0);
    for (const job of pending) job.resolve({ ok: false, failure: 'unreadable', reason: 'PDF reader closed' });
    this.settleCurrent({ ok: false, failure: 'unreadable', reason: 'PDF reader closed' });
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    if (this.pdfjsUrl === null) this.pdfjsUrl = pathToFileURL(require.resolve('pdfjs-dist/legacy/build/pdf.mjs')).href;
    const w = new Worker(PDF_WORKER_SOURCE, {
      eval: true,
      workerData: { pdfjsUrl: this.pdfjsUrl },
      resourceLimits: { maxOldGenerationSizeMb: MAX_HEAP_MB },
    });
    w.on('message', (msg: unknown) => {
      if (w === this.worker) this.onMessage(msg);
    });
    w.on('error', (err: Error) => {
      if (w !== this.worker) return;
      const oom =
        (err as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(err.message);
      this.retire();
      this.settleCurrent(
        oom
          ? { ok: false, failure: 'limit-exceeded', reason: 'PDF reading exceeded its memory limit' }
          : { ok: false, failure: 'unreadable', reason: `PDF reader failed: ${err.message}` },
      );
    });
    w.on('exit', (code) => {
      if (w !== this.worker) return;
      this.worker = null;
      this.settleCurrent({
        ok: false,
        failure: 'unreadable',
        reason: `PDF reader stopped unexpectedly (exit code ${code})`,
      });
    });
    w.unref();
    return w;
  }

  private pump(): void {
    if (this.current !== null) return;
    const job = this.queue.shift();
    if (job === undefined) return;
    const timer = setTimeout(() => {
      this.retire();
      this.settleCurrent({
        ok: false,
        failure: 'limit-exceeded',
        reason: `PDF reading exceeded ${job.options.timeoutMs} ms and was stopped`,
      });
    }, job.options.timeoutMs);
    this.current = { job, timer };
    try {
      if (this.worker === null) this.worker = this.spawn();
      const data = new Uint8Array(job.bytes); // a copy, transferred to the thread
      this.worker.postMessage(
        { id: job.id, data, maxPages: job.options.maxPages, maxEmbeddedBytes: job.options.maxEmbeddedBytes },
        [data.buffer],
      );
    } catch (err) {
      this.retire();
      this.settleCurrent({
        ok: false,
        failure: 'unreadable',
        reason: `PDF reader could not start: ${errorMessage(err)}`,
      });
    }
  }

  private onMessage(msg: unknown): void {
    if (this.current === null || !isRecord(msg) || msg['id'] !== this.current.job.id) return;
    this.served += 1;
    if (this.served >= RECYCLE_AFTER) {
      this.served = 0;
      this.retire();
    }
    this.settleCurrent(toResult(msg));
  }

  private settleCurrent(result: PdfReadResult): void {
    const current = this.current;
    if (current === null) return;
    this.current = null;
    clearTimeout(current.timer);
    current.job.resolve(result);
    this.pump();
  }

  /** Drops the current thread (a new one is spawned for the next document). */
  private retire(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }
}

let shared: PdfReaderThread | null = null;

/** Reads one PDF through the process's shared reader thread. */
export function readPdf(bytes: Buffer, options: PdfReadOptions): Promise<PdfReadResult> {
  if (shared === null) shared = new PdfReaderThread();
  return shared.read(bytes, options);
}

/** Stops the shared reader thread (for graceful shutdown and test teardown). */
export async function closePdfReader(): Promise<void> {
  const reader = shared;
  shared = null;
  if (reader) await reader.close();
}

function toResult(msg: Record<string, unknown>): PdfReadResult {
  if (msg['ok'] !== true) {
    const name = str(msg['errorName'], 'Error');
    const message = str(msg['message']);
    if (name === 'PasswordException') {
      return { ok: false, failure: 'encrypted', reason: 'PDF is password-protected (encrypted)' };
    }
    return { ok: false, failure: 'unreadable', reason: `corrupt or truncated PDF: ${message || name}` };
  }
  const attachments: PdfEmbeddedFile[] = [];
  const rawAttachments = msg['attachments'];
  if (Array.isArray(rawAttachments)) {
    for (const a of rawAttachments) {
      if (!isRecord(a)) continue;
      const content = a['content'];
      attachments.push({
        name: str(a['name'], 'embedded'),
        size: typeof a['size'] === 'number' ? a['size'] : 0,
        content:
          content instanceof Uint8Array ? Buffer.from(content.buffer, content.byteOffset, content.byteLength) : null,
      });
    }
  }
  const pages = Array.isArray(msg['pages']) ? msg['pages'].map((p) => str(p)) : [];
  const warnings = Array.isArray(msg['warnings']) ? msg['warnings'].map((w) => str(w)) : [];
  const numPages = typeof msg['numPages'] === 'number' ? msg['numPages'] : pages.length;
  return { ok: true, numPages, attachments, pages, warnings };
}
