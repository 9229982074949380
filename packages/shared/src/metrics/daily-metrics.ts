import type { RedisConnection } from '../redis/connection';
import { LuaScript } from '../redis/lua-script';

/** What is counted per UTC day and mailbox (GET /metrics/daily). */
export const DAILY_COUNTERS = [
  'discovered', // e-mails new to MS1 that it took (every new message without mail rules)
  'forwarded', // invoices MS4 accepted
  'notInvoices', // e-mails that were not invoices
  'unreadable', // invoice e-mails without a readable invoice
  'deadLettered', // jobs of the mailbox that went to the dead-letter queue
  'graphRequests', // requests to Microsoft Graph for the mailbox
] as const;
export type DailyCounter = (typeof DAILY_COUNTERS)[number];
export type DailyCounts = Record<DailyCounter, number>;

export interface DailyReport {
  /** The UTC day, YYYY-MM-DD. */
  date: string;
  mailboxes: Record<string, DailyCounts>;
  total: DailyCounts;
}

const DAY_MS = 24 * 3600 * 1000;

// KEYS: the day's hash. ARGV: its expiry (ms since the epoch), then field/amount pairs. One command where a MULTI
// would do: every pipeline on a connection BullMQ uses copies BullMQ's scripts first, and this runs per invoice.
const INCR_SCRIPT = new LuaScript(`
for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
`);

/**
 * Counters per UTC day and mailbox, in one Redis hash per day (`{counter}:{mailbox}` fields) that expires
 * `keepDays` after its day: Redis holds a bounded number of days however long MS1 runs. Counting is best effort
 * and follows the session's once-only counting where the caller has it (a re-run job counts nothing more).
 */
export class DailyMetrics {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
    readonly keepDays = 35,
    private readonly now: () => number = Date.now,
  ) {}

  private key(date: string): string {
    return `${this.keyPrefix}:daily:${date}`;
  }

  async incr(mailbox: string, deltas: Partial<DailyCounts>): Promise<void> {
    const entries = Object.entries(deltas).filter(([, n]) => n);
    if (entries.length === 0) return;
    const now = this.now();
    // The key lives until `keepDays` after the end of its day.
    const endOfDay = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
    const fields = entries.flatMap(([counter, n]) => [`${counter}:${mailbox.toLowerCase()}`, String(n)]);
    await INCR_SCRIPT.run(this.redis, [this.key(utcDate(now))], [endOfDay + this.keepDays * DAY_MS, ...fields]);
  }

  /** The last `days` UTC days, today first; days without a count are there, empty. */
  async read(days: number): Promise<DailyReport[]> {
    const n = Math.max(1, Math.min(days, this.keepDays));
    const today = Math.floor(this.now() / DAY_MS) * DAY_MS;
    const dates = Array.from({ length: n }, (_, i) => utcDate(today - i * DAY_MS));
    const pipeline = this.redis.pipeline();
    for (const d of dates) pipeline.hgetall(this.key(d));
    const replies = (await pipeline.exec()) ?? [];
    return dates.map((date, i) => {
      const [err, raw] = replies[i] ?? [null, {}];
      if (err) throw err;
      const mailboxes: Record<string, DailyCounts> = {};
      const total = emptyCounts();
      for (const [field, value] of Object.entries((raw ?? {}) as Record<string, string>)) {
        const at = field.indexOf(':');
        const counter = field.slice(0, at) as DailyCounter;
        if (!DAILY_COUNTERS.includes(counter)) continue;
        const mailbox = field.slice(at + 1);
        const counts = (mailboxes[mailbox] ??= emptyCounts());
        counts[counter] += Number(value);
        total[counter] += Number(value);
      }
      return { date, mailboxes, total };
    });
  }
}

function emptyCounts(): DailyCounts {
  return Object.fromEntries(DAILY_COUNTERS.map((c) => [c, 0])) as DailyCounts;
}

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
