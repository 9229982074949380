// Where the compiled reader thread lives. In production this module runs from dist, beside it. Under ts-jest the
// sources run from src, and threads cannot load TypeScript, so the built copy in dist is used (`pnpm build`, which
// `pnpm test` runs first).

import * as fs from 'node:fs';
import * as path from 'node:path';

const ENTRY = 'reader-thread.js';

export function readerThreadFile(): string {
  const beside = path.join(__dirname, ENTRY);
  if (fs.existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '..', '..', 'dist', 'extract', ENTRY);
  if (fs.existsSync(built)) return built;
  throw new Error(`the document reader thread is not built (${built} is missing): run pnpm build`);
}
