import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanupMarker, recordCleanup, settleWaitMs, skipsRecentlyFreedInodes } from '../src/settle';

describe('waiting for the file system to settle after a cleanup', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'settle-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('waits what is left of the window after a recorded cleanup, and nothing once it has passed', () => {
    const marker = cleanupMarker(dir);
    recordCleanup(marker, 1_000_000);
    expect(settleWaitMs(marker, 360_000, 1_000_000)).toBe(360_000);
    expect(settleWaitMs(marker, 360_000, 1_100_000)).toBe(260_000);
    expect(settleWaitMs(marker, 360_000, 1_360_000)).toBe(0);
    expect(settleWaitMs(marker, 0, 1_000_000)).toBe(0);
  });

  it('never waits longer than the window (a clock set back), nor without a record or with a damaged one', () => {
    const marker = cleanupMarker(dir);
    recordCleanup(marker, 2_000_000);
    expect(settleWaitMs(marker, 360_000, 1_000_000)).toBe(360_000);
    expect(settleWaitMs(path.join(dir, 'none'), 360_000, 1_000_000)).toBe(0);
    fs.writeFileSync(marker, 'yesterday');
    expect(settleWaitMs(marker, 360_000, 1_000_000)).toBe(0);
  });

  describe('which file systems need it: ext4 without a journal', () => {
    const MOUNTS = [
      '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard',
      '25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683568k',
      '40 27 254:16 / /data rw,relatime shared:5 - ext4 /dev/vdb1 rw',
      '41 27 0:50 / /data-nfs rw,relatime - nfs4 server:/export rw',
    ].join('\n');
    const kernel = (journals: string[]) => {
      fs.writeFileSync(path.join(dir, 'mountinfo'), MOUNTS);
      const jbd2Dir = path.join(dir, 'jbd2');
      fs.mkdirSync(jbd2Dir);
      for (const j of journals) fs.mkdirSync(path.join(jbd2Dir, j));
      return { mountinfo: path.join(dir, 'mountinfo'), jbd2Dir };
    };

    it('answers by the mount that holds the directory (the longest mount point), and its journal', () => {
      const noJournals = kernel([]);
      expect(skipsRecentlyFreedInodes('/tmp', noJournals)).toBe(true);
      expect(skipsRecentlyFreedInodes('/dev/shm/x', noJournals)).toBe(false);
      expect(skipsRecentlyFreedInodes('/data/bench', noJournals)).toBe(true);
      expect(skipsRecentlyFreedInodes('/data-nfs/bench', noJournals)).toBe(false);
    });

    it('does not wait on a journaled ext4, nor where the kernel cannot be read', () => {
      const journaled = kernel(['vda-8']);
      expect(skipsRecentlyFreedInodes('/tmp', journaled)).toBe(false);
      expect(skipsRecentlyFreedInodes('/data/bench', journaled)).toBe(true);
      expect(skipsRecentlyFreedInodes('/tmp', { mountinfo: path.join(dir, 'none'), jbd2Dir: dir })).toBe(false);
    });
  });
});
