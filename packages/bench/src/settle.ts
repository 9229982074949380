// A run that starts within minutes of another's cleanup would measure the kernel, not MS1. ext4 does not hand out an
// inode freed in the last minute (the last six while its inode table block is not written back yet:
// `recently_deleted` in fs/ext4/ialloc.c), and each new file's allocation scans past every such inode of its block
// group. A run's work directory holds 10,000 files or more, so right after it is deleted ingest-api's file creations
// cost several times the system CPU (docs/performance.md, ninth round). MS1 itself never deletes what it stored.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The kernel's longest window (60 s, plus 300 s while the inode's block is dirty). */
export const SETTLE_SECONDS = 360;

/** Where the time of the last cleanup of a bench, demo or steady run's work directory is kept. */
export const cleanupMarker = (dir = os.tmpdir()): string => path.join(dir, 'ms1-bench-cleanup-at');

/** Records that a run's work directory was deleted now. */
export function recordCleanup(marker: string, now = Date.now()): void {
  fs.writeFileSync(marker, String(now));
}

/** How long to wait before a run, so that the last cleanup is `settleMs` old: 0 without a record of one. */
export function settleWaitMs(marker: string, settleMs: number, now = Date.now()): number {
  let cleanedAt: number;
  try {
    cleanedAt = Number(fs.readFileSync(marker, 'utf8'));
  } catch {
    return 0;
  }
  if (!Number.isFinite(cleanedAt)) return 0;
  return Math.max(0, Math.min(settleMs, cleanedAt + settleMs - now));
}
