// The sample invoices a reader thread reads before its first task (read-warm-up-samples.ts). Kept apart from the
// reading so that the main thread can name them without loading the readers.

import * as path from 'node:path';
import type { ReadTask } from './reading';

/** Beside dist and src alike (`<app>/warm-up`), and shipped with the app (package.json `files`). */
export const SAMPLES_DIR = path.resolve(__dirname, '..', '..', 'warm-up');

/**
 * One of each kind of document the readers know: the two XML syntaxes, a Factur-X PDF, a PDF with text only. Made by
 * graph-sim's generator from the EN 16931 examples of packages/fixtures (EUPL 1.2, whose header the XML keeps).
 */
export const WARM_UP_SAMPLES: readonly { file: string; kind: ReadTask['kind'] }[] = [
  { file: 'invoice-ubl.xml', kind: 'xml' },
  { file: 'invoice-cii.xml', kind: 'xml' },
  { file: 'invoice-facturx.pdf', kind: 'pdf' },
  { file: 'invoice-text.pdf', kind: 'pdf' },
];
