// What crosses between the processor's main thread and a reader thread (structured-clone data only).

import type { DocumentOutcome, InvoiceData } from './types';

/** One document for a reader thread: its bytes (moved to the thread, and back) and what bounds the reading. */
export interface ReadTask {
  id: number;
  kind: 'xml' | 'pdf';
  bytes: Uint8Array<ArrayBuffer>;
  maxPdfPages: number;
  /** Largest embedded file of a PDF that is read (the per-document limit, or what is left of the e-mail's bytes). */
  maxEmbeddedBytes: number;
}

/** The outcome of reading one XML or PDF document; bytes and names stay with the caller. */
export type DocumentReading =
  | {
      found: true;
      invoice: InvoiceData;
      /** SHA-256 (hex) of the document, computed in the thread so big documents are never hashed on the main loop. */
      sha256: string;
      reason: string;
      /** Warnings about the invoice (missing fields, heuristics, embedded files skipped, ...). */
      warnings: string[];
      /** Bytes decoded from embedded files, charged to the e-mail's budget. */
      embeddedBytes: number;
    }
  | { found: false; outcome: DocumentOutcome; reason: string; warnings: string[]; embeddedBytes: number };

/** A reader thread's answer: the reading, the time it took in the thread, and the document's bytes moved back. */
export interface ThreadAnswer {
  reading: DocumentReading;
  elapsedMs: number;
  bytes: Uint8Array<ArrayBuffer>;
}

/** Posted by a reader thread when it starts on a task: the document's clock starts, and its thread is known. */
export interface ReaderStarted {
  type: 'reader-started';
  taskId: number;
  threadId: number;
}

/** Posted by a reader thread once it has loaded its readers, before it takes its first task. */
export interface ReaderReady {
  type: 'reader-ready';
  threadId: number;
  /** pdfjs's worker module is loaded in the thread (pdfjs will not import it with the first PDF). */
  pdfjsWorker: boolean;
  /** How many of the warm-up's sample invoices the thread read, each found every time (warm-up-samples.ts). */
  samplesFound: number;
}

/** What a reader thread reported of its warm-up. */
export type WarmUpReport = Pick<ReaderReady, 'pdfjsWorker' | 'samplesFound'>;

export function isReaderReady(msg: unknown): msg is ReaderReady {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Partial<ReaderReady>;
  return (
    m.type === 'reader-ready' &&
    typeof m.threadId === 'number' &&
    typeof m.pdfjsWorker === 'boolean' &&
    typeof m.samplesFound === 'number'
  );
}

export function isReaderStarted(msg: unknown): msg is ReaderStarted {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Partial<ReaderStarted>;
  return m.type === 'reader-started' && typeof m.taskId === 'number' && typeof m.threadId === 'number';
}
