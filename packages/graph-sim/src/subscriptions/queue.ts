import type { ChangeNotification } from '@microsoft/microsoft-graph-types';
import type { Stats } from '../stats';
import { postWithTimeout } from './post';

const MAX_PER_POST = 100;
const MAX_IN_FLIGHT_PER_URL = 4;
const GATHER_MS = 10;
const TIMEOUT_MS = 3_000;

interface Outbox {
  pending: ChangeNotification[];
  inFlight: number;
  timer: NodeJS.Timeout | null;
}

/**
 * Change notifications on their way out. Like Graph, notifications for one notification URL are gathered into
 * POSTs of several `value` items (here up to 100, a few POSTs in parallel per URL), so a burst of thousands of
 * new messages does not open thousands of connections. A 2xx within 3 s counts each item as sent, else as failed.
 */
export class NotificationQueue {
  private readonly outboxes = new Map<string, Outbox>();
  private generation = 0;

  constructor(private readonly stats: () => Stats) {}

  enqueue(url: string, n: ChangeNotification): void {
    let box = this.outboxes.get(url);
    if (!box) {
      box = { pending: [], inFlight: 0, timer: null };
      this.outboxes.set(url, box);
    }
    box.pending.push(n);
    this.schedule(url, box);
  }

  private schedule(url: string, box: Outbox): void {
    if (box.timer || box.pending.length === 0) return;
    box.timer = setTimeout(() => {
      box.timer = null;
      this.pump(url, box);
    }, GATHER_MS);
    box.timer.unref();
  }

  private pump(url: string, box: Outbox): void {
    const gen = this.generation;
    while (box.inFlight < MAX_IN_FLIGHT_PER_URL && box.pending.length > 0) {
      const batch = box.pending.splice(0, MAX_PER_POST);
      box.inFlight++;
      void postWithTimeout(url, JSON.stringify({ value: batch }), 'application/json; charset=utf-8', TIMEOUT_MS).then(
        (res) => {
          box.inFlight--;
          if (gen !== this.generation) return;
          const ok = res !== null && res.status >= 200 && res.status < 300;
          if (ok) this.stats().s.notifications.sent += batch.length;
          else this.stats().s.notifications.failed += batch.length;
          this.schedule(url, box);
        },
      );
    }
  }

  /** Pending notifications, for tests and stats. */
  pendingCount(): number {
    let n = 0;
    for (const b of this.outboxes.values()) n += b.pending.length + b.inFlight;
    return n;
  }

  clear(): void {
    this.generation++;
    for (const b of this.outboxes.values()) if (b.timer) clearTimeout(b.timer);
    this.outboxes.clear();
  }
}
