// A pool of reader threads (piscina) in which untrusted documents are read, off the processor's event loop, each on a
// budget: a time limit counted from when its thread starts on it, and a memory limit. The heap is capped by the
// thread's resourceLimits; decoded buffers live outside the heap, so a watchdog also samples each busy thread's heap
// plus external memory. A thread over either limit is terminated (piscina replaces it) and the document is reported
// as stopped, with the reason.

import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { readerThreadFile } from './reader-thread-file';
import { errorMessage } from '@ms1/shared';
import {
  type DocumentReading,
  isReaderReady,
  isReaderStarted,
  type ReadTask,
  type ThreadAnswer,
  type WarmUpReport,
} from './reading';

export interface ReaderPoolOptions {
  threads: number;
  /** Heap limit of a reader thread, and the bound on its heap plus external memory while it reads a document. */
  memoryLimitMb: number;
  /** How often busy threads' memory is sampled. */
  watchIntervalMs?: number;
}

export type StopCause = 'time' | 'memory';

export type PoolRead =
  | { ok: true; reading: DocumentReading; elapsedMs: number; bytes: Uint8Array<ArrayBuffer> }
  | { ok: false; stopped: StopCause | 'failed'; reason: string; elapsedMs: number };

interface Running {
  controller: AbortController;
  timeLimitMs: number;
  startedAt: number | null;
  threadId: number | null;
  timer: NodeJS.Timeout | null;
  stopped: StopCause | null;
  sampling: boolean;
}

const DEFAULT_WATCH_INTERVAL_MS = 100;
const READER_NICE_INCREMENT = 10;
/** How long close() waits for stopped threads to finish exiting. */
const CLOSE_WAIT_MS = 5_000;
/**
 * How long start() waits for the threads' warm-up (1 to 2 s as a rule): the app starts anyway after it, documents then
 * waiting in the pool. Well inside the start-up probes' 60 s (compose, Kubernetes).
 */
const WARM_UP_WAIT_MS = 20_000;
/** A document that cannot be moved is copied one slice per turn of the event loop, so it never holds the loop. */
const COPY_SLICE_BYTES = 1024 * 1024;

/**
 * The bytes to move to a thread: the document's own memory when it is handed over and owns its whole ArrayBuffer
 * (no copy at all: the main thread never touches a big document's bytes), else a copy.
 */
async function bytesForThread(bytes: Uint8Array, handOver: boolean): Promise<Uint8Array<ArrayBuffer>> {
  const { buffer } = bytes;
  if (handOver && buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) {
    return new Uint8Array(buffer);
  }
  return copyInSlices(bytes);
}

async function copyInSlices(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const copy = new Uint8Array(bytes.length);
  for (let at = 0; at < bytes.length; at += COPY_SLICE_BYTES) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    copy.set(bytes.subarray(at, at + COPY_SLICE_BYTES), at);
  }
  return copy;
}

export class ReaderPool {
  private pool: Piscina<ReadTask, ThreadAnswer> | null = null;
  private readonly running = new Map<number, Running>();
  private watchdog: NodeJS.Timeout | null = null;
  /** Threads that have read a document and not exited yet: close() waits for those piscina terminated earlier. */
  private readonly threadsSeen = new Set<Worker>();
  private nextId = 1;
  private closed = false;
  /** Threads that have warmed up, with what each reported of its warm-up. */
  private readonly warmThreads = new Map<number, WarmUpReport>();
  private warm: Promise<void> | null = null;
  private warmedUp: (() => void) | null = null;

  constructor(private readonly options: ReaderPoolOptions) {}

  /**
   * Reads one document in a reader thread; never rejects. With `handOver`, the caller gives up `task.bytes`: its
   * memory is moved to the thread when it can be (the bytes come back in the answer), else it is copied.
   */
  async read(
    task: Omit<ReadTask, 'id' | 'bytes'> & { bytes: Uint8Array },
    timeLimitMs: number,
    handOver = false,
  ): Promise<PoolRead> {
    if (this.closed)
      return { ok: false, stopped: 'failed', reason: 'the document readers are shut down', elapsedMs: 0 };
    const id = this.nextId++;
    const bytes = await bytesForThread(task.bytes, handOver);
    const entry: Running = {
      controller: new AbortController(),
      timeLimitMs,
      startedAt: null,
      threadId: null,
      timer: null,
      stopped: null,
      sampling: false,
    };
    this.running.set(id, entry);
    try {
      const answer = await this.piscina().run(
        { ...task, id, bytes },
        { transferList: [bytes.buffer], signal: entry.controller.signal },
      );
      return { ok: true, reading: answer.reading, elapsedMs: answer.elapsedMs, bytes: answer.bytes };
    } catch (err) {
      return this.failure(entry, err);
    } finally {
      if (entry.timer !== null) clearTimeout(entry.timer);
      this.running.delete(id);
    }
  }

  /**
   * Starts the threads now rather than with the first document, and resolves once each has loaded its readers (pdfjs
   * and its worker compiled), or after WARM_UP_WAIT_MS: the app takes work once it resolves, so the first e-mails
   * neither wait for that nor pay for it.
   */
  start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.piscina();
    this.warm ??= new Promise((resolve) => {
      const timer = setTimeout(() => this.endWarmUp(), WARM_UP_WAIT_MS);
      this.warmedUp = () => {
        clearTimeout(timer);
        resolve();
      };
      if (this.allWarm()) this.endWarmUp();
    });
    return this.warm;
  }

  /** Threads that reported themselves warm, each with what its warm-up did (tests check it). */
  get warmThreadReports(): ReadonlyMap<number, WarmUpReport> {
    return this.warmThreads;
  }

  /** Number of live reader threads (for health details and tests). */
  get threadCount(): number {
    return this.pool?.threads.length ?? 0;
  }

  /** Thread ids of the live reader threads (tests check that a stopped thread was replaced). */
  get threadIds(): number[] {
    return this.pool?.threads.map((t) => t.threadId) ?? [];
  }

  /** True once close() was called: a document that failed since failed for that, not for what it holds. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops every thread; documents in flight resolve as failed. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    this.endWarmUp();
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.watchdog = null;
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await pool.destroy();
    const exits = [...this.threadsSeen].map((t) => once(t, 'exit'));
    await Promise.race([
      Promise.allSettled(exits),
      new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref()),
    ]);
  }

  private piscina(): Piscina<ReadTask, ThreadAnswer> {
    if (this.pool !== null) return this.pool;
    const pool = new Piscina<ReadTask, ThreadAnswer>({
      filename: readerThreadFile(),
      minThreads: this.options.threads,
      maxThreads: this.options.threads,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: 1,
      // Idle threads wait in their event loop (not in Atomics.wait), so their heap statistics always answer.
      atomics: 'disabled',
      // Reading is background work: at a lower priority than the event loop, which renews job locks and answers
      // /health. (Linux, through piscina's optional @napi-rs/nice; elsewhere the threads keep normal priority.)
      niceIncrement: READER_NICE_INCREMENT,
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryLimitMb },
    });
    pool.on('message', (msg: unknown) => {
      if (isReaderStarted(msg)) this.onStarted(msg.taskId, msg.threadId);
      else if (isReaderReady(msg))
        this.onWarm(msg.threadId, { pdfjsWorker: msg.pdfjsWorker, samplesFound: msg.samplesFound });
    });
    // An error with no task to fail (a thread dying while idle) is replaced by piscina; nothing is lost. A thread that
    // died warming up may not be replaced: the others may be all there is.
    pool.on('error', () => {
      if (this.allWarm()) this.endWarmUp();
    });
    this.pool = pool;
    return pool;
  }

  private onWarm(threadId: number, report: WarmUpReport): void {
    const live = new Set(this.pool?.threads.map((t) => t.threadId));
    for (const id of this.warmThreads.keys()) if (!live.has(id)) this.warmThreads.delete(id);
    this.warmThreads.set(threadId, report);
    if (this.allWarm()) this.endWarmUp();
  }

  private allWarm(): boolean {
    return (this.pool?.threads ?? []).every((t) => this.warmThreads.has(t.threadId));
  }

  private endWarmUp(): void {
    const waiting = this.warmedUp;
    this.warmedUp = null;
    waiting?.();
  }

  private onStarted(taskId: number, threadId: number): void {
    const entry = this.running.get(taskId);
    if (entry === undefined || entry.startedAt !== null) return;
    entry.startedAt = Date.now();
    entry.threadId = threadId;
    const thread = this.pool?.threads.find((t) => t.threadId === threadId);
    if (thread !== undefined && !this.threadsSeen.has(thread)) {
      this.threadsSeen.add(thread);
      thread.once('exit', () => this.threadsSeen.delete(thread));
    }
    entry.timer = setTimeout(() => this.stop(entry, 'time'), entry.timeLimitMs);
    this.ensureWatchdog();
  }

  private stop(entry: Running, cause: StopCause): void {
    if (entry.stopped !== null) return;
    entry.stopped = cause;
    entry.controller.abort(cause);
  }

  private ensureWatchdog(): void {
    if (this.watchdog !== null) return;
    this.watchdog = setInterval(() => this.sampleMemory(), this.options.watchIntervalMs ?? DEFAULT_WATCH_INTERVAL_MS);
    this.watchdog.unref();
  }

  private sampleMemory(): void {
    const pool = this.pool;
    if (pool === null) return;
    const limitBytes = this.options.memoryLimitMb * 1024 * 1024;
    for (const entry of this.running.values()) {
      if (entry.threadId === null || entry.stopped !== null || entry.sampling) continue;
      const thread = pool.threads.find((t) => t.threadId === entry.threadId);
      if (thread === undefined) continue;
      entry.sampling = true;
      thread
        .getHeapStatistics()
        .then((heap) => {
          if (heap.used_heap_size + heap.external_memory > limitBytes) this.stop(entry, 'memory');
        })
        // The thread ended between the lookup and the sample: its task has its own outcome.
        .catch(() => undefined)
        .finally(() => {
          entry.sampling = false;
        });
    }
  }

  private failure(entry: Running, err: unknown): PoolRead {
    const elapsedMs = entry.startedAt === null ? 0 : Date.now() - entry.startedAt;
    const outOfMemory =
      typeof err === 'object' && err !== null && 'code' in err && err.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const cause: StopCause | null = entry.stopped ?? (outOfMemory ? 'memory' : null);
    if (cause === 'time') {
      // A document stopped for time has used all it was given (the timer may fire a hair before the clock agrees).
      const reason = `reading stopped at its ${entry.timeLimitMs} ms time limit`;
      return { ok: false, stopped: 'time', reason, elapsedMs: Math.max(elapsedMs, entry.timeLimitMs) };
    }
    if (cause === 'memory') {
      const reason = `reading stopped: it needed more than the ${this.options.memoryLimitMb} MB memory limit`;
      return { ok: false, stopped: 'memory', reason, elapsedMs };
    }
    return { ok: false, stopped: 'failed', reason: `the reader thread failed: ${errorMessage(err)}`, elapsedMs };
  }
}
