// Entry point of a reader thread (loaded by piscina from dist as compiled JavaScript). It announces each task when it
// starts, so the pool starts the document's clock then (queueing is not counted) and knows which thread to watch.

import { performance } from 'node:perf_hooks';
import { parentPort, threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { loadPdfjs } from './pdf';
import { readDocument } from './read-document';
import type { ReaderStarted, ReadTask, ThreadAnswer } from './reading';

silenceConsole();
// Warm up: pdfjs is imported while the thread waits for its first document. A failure surfaces with that document.
loadPdfjs().catch(() => undefined);

/** Reads one document; the answer moves the document's bytes back to the caller (no copy either way). */
export default async function readInThread(task: ReadTask): Promise<ReturnType<typeof move>> {
  if (task.kind === 'pdf') await loadPdfjs();
  const started: ReaderStarted = { type: 'reader-started', taskId: task.id, threadId };
  parentPort?.postMessage(started);
  const t0 = performance.now();
  const reading = await readDocument(task);
  const answer: ThreadAnswer = { reading, elapsedMs: Math.round(performance.now() - t0), bytes: task.bytes };
  return move({ [transferableSymbol]: [task.bytes.buffer], [valueSymbol]: answer });
}

/**
 * pdfjs reports damaged input on the console; the caller gets the facts as data, so the thread stays quiet (its
 * output would otherwise land between the processor's JSON log lines).
 */
function silenceConsole(): void {
  const quiet = (): void => undefined;
  Object.assign(console, { log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet });
}
