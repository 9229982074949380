// Builds the benchmark's JSON report from what the run measured.
import type { BaselineResult } from './baseline';
import type { Completeness } from './completeness';
import type { Latency } from './latency';
import { machineCpu, type MachineCpu } from './machine-cpu';
import type { RedisCommands } from './redis-commands';
import type { Counters, GraphStats, Ms4Stats } from './stats';
import { round1, round2 } from './stats';

export interface BenchReport {
  /** Every expected invoice at MS4 under one invoiceKey, nothing unexpected (details in `completeness`). */
  complete: boolean;
  completeness: Completeness;
  invoices: number;
  emails: number;
  expectedInvoices: number;
  wallSeconds: number;
  invoicesPerSecond: number;
  emailsPerSecond: number;
  graphRequests: number;
  graphRequestsPerInvoice: number;
  graphRequestsByKind: Record<string, number>;
  throttled: number;
  /** 429s graph-sim answered (the same as `throttled`, under the name the targets use). */
  graph429: number;
  /** The highest number of Graph requests in flight for one mailbox over all mailboxes (Graph's limit: 4). */
  peakConcurrencyPerMailbox: number;
  /** Graph's own time: the largest over mailboxes of its service time / 4 lanes (null without the Graph clock). */
  floorSeconds: number | null;
  ratioToFloor: number | null;
  /** Highest number of Graph requests in flight per mailbox, as graph-sim saw it (the limit is 4). */
  graphPeakConcurrency: Record<string, number>;
  tokenRequests: number;
  ms4Batches: number;
  meanBatchSize: number;
  latencyMs: Latency;
  /** Time to MS4 per mailbox (ms from the session's start to each of its items' arrival). */
  timeToMs4ByMailbox: Record<string, Latency>;
  peakRssMb: Record<string, number>;
  /** CPU (user + system) seconds per invoice at MS4, per app from the session's start, and in total. */
  cpuSecondsPerInvoice: Record<string, number> & { total: number };
  /** The machine's CPU during the run: the apps, Redis, the bench process (simulators), and how busy it was. */
  machineCpu: MachineCpu;
  /** Commands Redis executed during the run (scripts' inner calls included), per invoice at MS4. */
  redisCommands: RedisCommands;
  redisPeakMemoryMb: number;
  /** Redis `used_memory` sampled every 100 ms during the MS1 run, the highest. */
  redisPeakUsedMemoryMb: number;
  session: Pick<
    Counters,
    | 'processed'
    | 'invoices'
    | 'notInvoices'
    | 'unreadable'
    | 'deadLettered'
    | 'failed'
    | 'graphRequests'
    | 'graphThrottled'
  >;
  baseline: BaselineResult & { redisPeakMemoryMbSampled: number };
  /** The raw BullMQ baseline run before and after the pipeline; `baselineJobsPerSecond` is their mean. */
  baselineRuns: { before: BaselineResult; after: BaselineResult };
  baselineJobsPerSecond: number;
  /** invoicesPerSecond / baselineJobsPerSecond. */
  ratioToBaseline: number;
  ratio: number;
  settings: Record<string, string | number>;
  node: string;
  date: string;
}

export interface Measured {
  emails: number;
  expectedInvoices: number;
  startMs: number;
  doneMs: number;
  counters: Counters;
  graph: GraphStats;
  ms4: Ms4Stats;
  latency: Latency;
  latencyByMailbox: Record<string, Latency>;
  peakRss: Record<string, number>;
  /** CPU seconds each app used during the run. */
  cpuSeconds: Record<string, number>;
  /** CPU seconds Redis and the bench process used over the same span as cpuSeconds. */
  cpuOutsideApps: { redisSeconds: number; benchAndSimulatorsSeconds: number };
  redisCommands: RedisCommands;
  completeness: Completeness;
  redisPeakMemoryMb: number;
  redisPeakUsedMemoryMb: number;
  baseline: BaselineResult & { redisPeakMemoryMbSampled: number };
  baselineBefore: BaselineResult;
  settings: Record<string, string | number>;
}

export function buildReport(m: Measured): BenchReport {
  const wallSeconds = (m.doneMs - m.startMs) / 1000;
  const invoices = m.ms4.uniqueKeys;
  const invoicesPerSecond = invoices / wallSeconds;
  const c = m.counters;
  const serviceMs = Object.values(m.graph.serviceMs ?? {});
  const floorSeconds = serviceMs.length && Math.max(...serviceMs) > 0 ? Math.max(...serviceMs) / 4 / 1000 : null;
  const cpuPerInvoice = (s: number) => Math.round((s / Math.max(1, invoices)) * 1e5) / 1e5;
  const cpuTotal = Object.values(m.cpuSeconds).reduce((a, b) => a + b, 0);
  const baselineJobsPerSecond = round1((m.baselineBefore.jobsPerSecond + m.baseline.jobsPerSecond) / 2);
  return {
    complete: m.completeness.complete,
    completeness: m.completeness,
    invoices,
    emails: m.emails,
    expectedInvoices: m.expectedInvoices,
    wallSeconds: round2(wallSeconds),
    invoicesPerSecond: round1(invoicesPerSecond),
    emailsPerSecond: round1(m.emails / wallSeconds),
    graphRequests: m.graph.requests.total,
    graphRequestsPerInvoice: round2(m.graph.requests.total / Math.max(1, invoices)),
    graphRequestsByKind: m.graph.requests.byKind,
    throttled: m.graph.throttled.total,
    graph429: m.graph.throttled.total,
    peakConcurrencyPerMailbox: Math.max(0, ...Object.values(m.graph.peakConcurrency)),
    floorSeconds: floorSeconds === null ? null : round2(floorSeconds),
    ratioToFloor: floorSeconds === null ? null : round2(wallSeconds / floorSeconds),
    graphPeakConcurrency: m.graph.peakConcurrency,
    tokenRequests: m.graph.tokenRequests,
    ms4Batches: m.ms4.batches,
    meanBatchSize: round1(m.ms4.meanBatch),
    latencyMs: m.latency,
    timeToMs4ByMailbox: m.latencyByMailbox,
    peakRssMb: m.peakRss,
    cpuSecondsPerInvoice: {
      ...Object.fromEntries(Object.entries(m.cpuSeconds).map(([app, s]) => [app, cpuPerInvoice(s)])),
      total: cpuPerInvoice(cpuTotal),
    },
    machineCpu: machineCpu(cpuTotal, m.cpuOutsideApps, wallSeconds),
    redisCommands: m.redisCommands,
    redisPeakMemoryMb: m.redisPeakMemoryMb,
    redisPeakUsedMemoryMb: m.redisPeakUsedMemoryMb,
    session: {
      processed: c.processed,
      invoices: c.invoices,
      notInvoices: c.notInvoices,
      unreadable: c.unreadable,
      deadLettered: c.deadLettered,
      failed: c.failed,
      graphRequests: c.graphRequests,
      graphThrottled: c.graphThrottled,
    },
    baseline: m.baseline,
    baselineRuns: { before: m.baselineBefore, after: m.baseline },
    baselineJobsPerSecond,
    ratioToBaseline: round2(invoicesPerSecond / baselineJobsPerSecond),
    ratio: round2(invoicesPerSecond / m.baseline.jobsPerSecond),
    settings: m.settings,
    node: process.version,
    date: new Date().toISOString(),
  };
}
