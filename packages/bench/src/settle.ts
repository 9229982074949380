// A run that starts within minutes of another's cleanup would measure the kernel, not MS1. On ext4 without a journal
// (this project's VM), the kernel does not hand out an inode freed in the last minute (the last six while its inode
// table block is not written back yet: `recently_deleted`, which `find_inode_bit` in fs/ext4/ialloc.c calls only when
// the file system has no journal), and each new file's allocation scans past every such inode of its block group. A
// run's work directory holds 10,000 files or more, so right after it is deleted ingest-api's file creations cost
// several times the system CPU (docs/performance.md, ninth round). MS1 itself never deletes what it stored.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { say } from './log';

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

/** Where the kernel tells what is mounted, and which devices have a journal (`/proc/fs/jbd2/<device>-<inode>`). */
export interface KernelFiles {
  mountinfo: string;
  jbd2Dir: string;
}

const LINUX: KernelFiles = { mountinfo: '/proc/self/mountinfo', jbd2Dir: '/proc/fs/jbd2' };

/**
 * Whether `dir` is on ext4 without a journal, where recently freed inodes are skipped. False wherever that cannot be
 * told (not Linux, no /proc): a run then never waits.
 */
export function skipsRecentlyFreedInodes(dir: string, kernel: KernelFiles = LINUX): boolean {
  let mounts: string;
  try {
    mounts = fs.readFileSync(kernel.mountinfo, 'utf8');
  } catch {
    return false;
  }
  // mountinfo: "id parent major:minor root mount-point options [optional fields] - fstype source super-options"
  let best: { at: string; type: string; source: string } | null = null;
  for (const line of mounts.split('\n')) {
    const [left, right] = line.split(' - ');
    const at = left?.split(' ')[4];
    const [type, source] = right?.split(' ') ?? [];
    if (at === undefined || type === undefined || source === undefined) continue;
    const inside = dir === at || dir.startsWith(at.endsWith('/') ? at : `${at}/`);
    if (inside && (best === null || at.length >= best.at.length)) best = { at, type, source };
  }
  if (best?.type !== 'ext4' || !best.source.startsWith('/dev/')) return false;
  const device = path.basename(best.source);
  let journals: string[];
  try {
    journals = fs.readdirSync(kernel.jbd2Dir);
  } catch {
    journals = [];
  }
  return !journals.some((name) => name.startsWith(`${device}-`));
}

/**
 * Waits until the last run's cleanup is `seconds` old where the file system needs it (ext4 without a journal);
 * answers the seconds waited.
 */
export async function waitForSettledFileSystem(seconds: number, dir = os.tmpdir()): Promise<number> {
  const waitMs = settleWaitMs(cleanupMarker(dir), seconds * 1000);
  if (waitMs === 0 || !skipsRecentlyFreedInodes(fs.realpathSync(dir))) return 0;
  const waitSeconds = Math.ceil(waitMs / 1000);
  say(
    `waiting ${waitSeconds} s: an earlier run deleted its files less than ${seconds} s ago, and on ext4 without a ` +
      'journal new files cost more for that long (--settle-seconds 0 not to wait)',
  );
  await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
  return waitSeconds;
}
