// Reads what the run did: session counters, the simulators' statistics, Redis memory, process peak RSS.
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { getJson } from './http';

export type Counters = Record<
  | 'discovered'
  | 'enqueued'
  | 'processed'
  | 'invoices'
  | 'notInvoices'
  | 'unreadable'
  | 'forwarded'
  | 'failed'
  | 'deadLettered'
  | 'graphRequests'
  | 'graphThrottled'
  | 'syncRounds',
  number
>;

interface StatusAnswer {
  session: { session_id: string; status: string; counters: Counters } | null;
}

export interface GraphStats {
  requests: { total: number; byKind: Record<string, number>; byMailbox: Record<string, number> };
  throttled: { total: number };
  peakConcurrency: Record<string, number>;
  /** Per mailbox: the total service time (ms) the Graph clock gave its requests (0 without `--latency`). */
  serviceMs: Record<string, number>;
  tokenRequests: number;
  bytesServed: number;
}

export interface Ms4Stats {
  batches: number;
  itemsReceived: number;
  uniqueKeys: number;
  duplicates: number;
  meanBatch: number;
  maxBatch: number;
  rejectedItems: number;
}

export interface Ms4BatchRecord {
  receivedAt: string;
  size: number;
  accepted: number;
  duplicates: number;
}

export async function sessionCounters(ingestUrl: string, token: string): Promise<Counters | null> {
  const s = await getJson<StatusAnswer>(`${ingestUrl}/session/status`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return s.session?.counters ?? null;
}

export const graphStats = (adminUrl: string) => getJson<GraphStats>(`${adminUrl}/stats`);
export const ms4Stats = (adminUrl: string) => getJson<Ms4Stats>(`${adminUrl}/stats`);
export const ms4Batches = (adminUrl: string) => getJson<Ms4BatchRecord[]>(`${adminUrl}/batches`);

/** What the completeness check and the per-mailbox latencies need of an item at MS4. */
export interface Ms4ItemRecord {
  invoiceKey: string;
  mailboxId: string;
  invoice: { number: string | null } | null;
}
export interface Ms4Receipt {
  item: Ms4ItemRecord;
  /** When the batch that first carried the item reached ms4-sim. */
  receivedAt: string;
}
export const ms4Receipts = (adminUrl: string) => getJson<Ms4Receipt[]>(`${adminUrl}/items?receipts=1`);

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux for every architecture). */
const USER_HZ = 100;

/** User plus system CPU seconds a live process has used so far; 0 when it cannot be read. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted from after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return 0;
  }
}

/** `used_memory_peak` of INFO memory, in MB. */
export async function redisPeakMemoryMb(url: string): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await r.info('memory');
    const m = /^used_memory_peak:(\d+)/m.exec(info);
    return m?.[1] ? mb(Number(m[1])) : 0;
  } finally {
    r.disconnect();
  }
}

/** Peak resident set size (VmHWM) of a live process, in MB; 0 when it cannot be read. */
export function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? round1(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

export const mb = (bytes: number): number => round1(bytes / 1024 / 1024);
export const round1 = (n: number): number => Math.round(n * 10) / 10;
export const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * Samples INFO memory `used_memory` every `everyMs` until stopped; resolves with the highest value in MB. (Redis 7.0
 * cannot reset `used_memory_peak`, so a second run on the same server is measured this way.)
 */
export function sampleRedisMemory(url: string, everyMs = 100): { stop(): Promise<number> } {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  let peak = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    r.info('memory')
      .then((info) => {
        const m = /^used_memory:(\d+)/m.exec(info);
        if (m?.[1]) peak = Math.max(peak, Number(m[1]));
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      r.disconnect();
      return mb(peak);
    },
  };
}
