import { waitFor } from '@ms1/test-utils';
import type { AppName } from './app-handle';
import type { WatchedQueue } from './queues';
import type { System } from './system';

/**
 * kill -9 of `app` while it works on `queue` (the only consumer of that queue); resolves with the ids of the jobs
 * its death left active, which only BullMQ's stalled-job check can bring back. If the app happened to finish its
 * jobs between the look and the kill, it is started again and killed at its next job (a few tries).
 */
export async function killMidWork(sys: System, app: AppName, queue: WatchedQueue): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    await waitFor(async () => (await sys.queues.count(queue, ['active'])) > 0, {
      timeoutMs: 180_000,
      intervalMs: 20,
      what: `${app} working on ${queue}`,
    });
    await sys.apps[app].kill9();
    const orphans = await sys.queues.activeIds(queue);
    if (orphans.length > 0 || attempt === 5) return orphans;
    await sys.apps[app].start();
  }
}

/** Waits until every job left behind by a killed worker has finished (completed, or failed for good). */
export async function expectRecovered(sys: System, queue: WatchedQueue, jobIds: readonly string[]): Promise<void> {
  for (const id of jobIds) {
    const state = await waitFor(
      async () => {
        const s = await sys.queues.stateOf(queue, id);
        return s === 'completed' || s === 'failed' ? s : null;
      },
      { timeoutMs: 240_000, intervalMs: 500, what: `stalled job ${id} of ${queue} finished` },
    );
    expect(['completed', 'failed']).toContain(state);
  }
}
