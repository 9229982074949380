// Builds the benchmark's JSON report from what the run measured.
import type { BaselineResult } from './baseline';
import type { Latency } from './latency';
import type { Counters, GraphStats, Ms4Stats } from './stats';
import { round1, round2 } from './stats';

export interface BenchReport {
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
  /** Highest number of Graph requests in flight per mailbox, as graph-sim saw it (the limit is 4). */
  graphPeakConcurrency: Record<string, number>;
  tokenRequests: number;
  ms4Batches: number;
  meanBatchSize: number;
  latencyMs: Latency;
  peakRssMb: Record<string, number>;
  redisPeakMemoryMb: number;
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
  peakRss: Record<string, number>;
  redisPeakMemoryMb: number;
  baseline: BaselineResult & { redisPeakMemoryMbSampled: number };
  settings: Record<string, string | number>;
}

export function buildReport(m: Measured): BenchReport {
  const wallSeconds = (m.doneMs - m.startMs) / 1000;
  const invoices = m.ms4.uniqueKeys;
  const invoicesPerSecond = invoices / wallSeconds;
  const c = m.counters;
  return {
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
    graphPeakConcurrency: m.graph.peakConcurrency,
    tokenRequests: m.graph.tokenRequests,
    ms4Batches: m.ms4.batches,
    meanBatchSize: round1(m.ms4.meanBatch),
    latencyMs: m.latency,
    peakRssMb: m.peakRss,
    redisPeakMemoryMb: m.redisPeakMemoryMb,
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
    ratio: round2(invoicesPerSecond / m.baseline.jobsPerSecond),
    settings: m.settings,
    node: process.version,
    date: new Date().toISOString(),
  };
}
