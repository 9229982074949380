import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanupMarker, recordCleanup, settleWaitMs } from '../src/settle';

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
});
