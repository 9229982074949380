// Reads the warm-up's sample invoices in a reader thread before its first task (reader-thread.ts). The first text
// PDF read in a fresh thread costs about 100 ms of CPU and the next ones 20, 10, ... down to 4 (pdfjs building its
// font and glyph tables, the code's first runs); read here, that cost is paid at start-up instead of by the first
// e-mails.

import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DEFAULT_EXTRACT_LIMITS } from './limits';
import { readDocument } from './read-document';
import type { ReadTask } from './reading';
import { SAMPLES_DIR, WARM_UP_SAMPLES } from './warm-up-samples';

/**
 * Three readings of each sample took about 170 ms of a thread's CPU; its first 20 text PDFs then cost 144-146 ms,
 * not 246-272.
 */
const ROUNDS = 3;

/**
 * Bound of one sample's reading (a few milliseconds as a rule): no pool clock runs during the warm-up, and a reading
 * that stalls must not hold the thread from its tasks.
 */
const SAMPLE_READ_LIMIT_MS = 5_000;

/**
 * Reads every sample ROUNDS times; answers how many samples gave an invoice each time. A sample that is missing,
 * fails or overruns its bound is skipped (the thread then warms up less, which the count shows), never an error.
 */
export async function readWarmUpSamples(): Promise<number> {
  let found = 0;
  for (const sample of WARM_UP_SAMPLES) {
    const bytes = await readFile(path.join(SAMPLES_DIR, sample.file)).catch(() => null);
    if (bytes === null) continue;
    let every = true;
    for (let round = 0; round < ROUNDS; round += 1) {
      const task: ReadTask = {
        id: 0,
        kind: sample.kind,
        bytes: new Uint8Array(bytes),
        maxPdfPages: DEFAULT_EXTRACT_LIMITS.maxPdfPages,
        maxEmbeddedBytes: DEFAULT_EXTRACT_LIMITS.maxAttachmentBytes,
      };
      const reading = await withinLimit(readDocument(task), SAMPLE_READ_LIMIT_MS);
      every &&= reading?.found === true;
    }
    if (every) found += 1;
  }
  return found;
}

/** The promise's value, or null when it fails or has not settled within `ms`. */
async function withinLimit<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([work.catch(() => null), overrun]);
  } finally {
    clearTimeout(timer);
  }
}
