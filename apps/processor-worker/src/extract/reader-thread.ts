// Entry point of a reader thread (loaded by piscina from dist as compiled JavaScript). It announces each task when it
// starts, so the pool starts the document's clock then (queueing is not counted) and knows which thread to watch.

import { performance } from 'node:perf_hooks';
import { parentPort, threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { loadPdfjs, pdfjsWorkerLoaded } from './pdf';
import { readDocument } from './read-document';
import type { ReaderReady, ReaderStarted, ReadTask, ThreadAnswer } from './reading';
import { readWarmUpSamples } from './read-warm-up-samples';

silenceConsole();

/**
 * Warm-up: pdfjs and its worker are imported and compiled (1.7 s of CPU for two threads in a profile on a busy
 * machine), and sample invoices read, before the thread takes a document, not inside the first documents' time
 * limits. A failure surfaces with the first PDF.
 */
async function warmUp(): Promise<void> {
  await loadPdfjs().catch(() => undefined);
  const samplesFound = await readWarmUpSamples();
  const ready: ReaderReady = { type: 'reader-ready', threadId, pdfjsWorker: pdfjsWorkerLoaded(), samplesFound };
  parentPort?.postMessage(ready);
}

/**
 * The handler, once warmed up: piscina awaits an exported promise before it calls it, so no task runs in a thread still
 * loading (the pool's first threads may be handed tasks early: they wait in the thread's port, their clock not started).
 */
export default warmUp().then(() => readInThread);

/** Reads one document; the answer moves the document's bytes back to the caller (no copy either way). */
async function readInThread(task: ReadTask): Promise<ReturnType<typeof move>> {
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
