// pnpm bench [-- --graph real|unthrottled --invoices N --mailboxes M --processors P --out FILE]: the whole pipeline
// against the simulators, between two raw BullMQ baseline runs on the same redis-server; one JSON report on stdout
// (and in --out), progress on stderr.
import { startOutsideAppsClock } from './machine-cpu';
import { startRedisCommandCount } from './redis-commands';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@ms1/test-utils';
import { intFlag, parseOrExit, UsageError } from './args';
import { runBaseline, type BaselineResult } from './baseline';
import { checkCompleteness } from './completeness';
import { seedLate } from './late-arrival';
import { itemLatency, latencyByMailbox } from './latency';
import { say } from './log';
import { progressBars } from './progress';
import { buildReport, type BenchReport } from './report';
import type { GraphMode, Pipeline } from './pipeline';
import { runCommand, runSession, upPipeline } from './run';
import { SETTLE_SECONDS, waitForSettledFileSystem } from './settle';
import { runSteady } from './steady';
import { graphStats, ms4Batches, ms4Receipts, ms4Stats, redisPeakMemoryMb, sampleRedisMemory } from './stats';
import { table } from './table';

const USAGE = `pnpm bench [-- --graph real|unthrottled (real) --invoices N (10000, e-mails seeded) --mailboxes M (2) --processors P (1)
  --mailbox-sizes A,B,... (e-mails per mailbox, instead of --invoices and --mailboxes; e.g. 5000,100,100 for fairness)
  --late-small (with --mailbox-sizes: mailboxes 2.. get their mail only once the first one's is all enqueued;
  their timeToMs4ByMailbox counts from that arrival)
  --processor-concurrency C (8) --out FILE (bench-results/latest.json) --random-seed S --timeout-seconds T --log-level L
  --cpu-prof DIR (each app writes V8 CPU profiles into DIR/<app>/)
  --settle-seconds S (360: on ext4 without a journal, a run that starts less than S seconds after another's cleanup
  waits, docs/performance.md)]
pnpm bench -- --steady MINUTES [--rate E (e-mails per second, 4) --window S (retention windows, 300) --out FILE]`;

runCommand(async (setPipeline) => {
  if (process.argv.includes('--steady')) return runSteady(process.argv.slice(2), setPipeline);
  const parsed = parseOrExit(
    process.argv.slice(2),
    'invoices',
    // One processor-worker: the targets are for one replica of each app (the demo shows two).
    { count: 10_000, processors: 1 },
    {
      out: { type: 'string' },
      graph: { type: 'string' },
      'mailbox-sizes': { type: 'string' },
      'late-small': { type: 'boolean' },
      'settle-seconds': { type: 'string' },
    },
    USAGE,
  );
  if (!parsed) return;
  let flags: BenchFlags;
  try {
    flags = benchFlags(parsed.str, parsed.values['late-small'] === true);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const { mailboxSizes, lateSmall, graphMode, settleSeconds } = flags;
  const opts = mailboxSizes
    ? {
        ...parsed.opts,
        mailboxes: mailboxSizes.length,
        emails: mailboxSizes.reduce((a, b) => a + b, 0),
        // With --late-small only the first mailbox is seeded before the session; the others during it.
        mailboxSizes: lateSmall ? mailboxSizes.map((n, i) => (i === 0 ? n : 0)) : mailboxSizes,
      }
    : parsed.opts;
  const out = path.resolve(repoRoot, parsed.str('out') ?? 'bench-results/latest.json');

  const settleWaitSeconds = await waitForSettledFileSystem(settleSeconds);
  const p = await upPipeline({ ...opts, graphMode });
  setPipeline(p);
  const concurrency = opts.processors * opts.processorConcurrency;
  // The baseline runs before and after the pipeline and the two are averaged, so a machine that slows down (or
  // warms up) during the command moves both figures alike. The apps are up but idle during the first run.
  say('raw BullMQ baseline (before) on the same redis-server...');
  const baselineBefore = await baselineRun(p, opts.emails, concurrency);
  const cpuAtStart = p.appCpuSeconds();
  const outsideApps = startOutsideAppsClock(p.redis.pid);
  const redisCommands = await startRedisCommandCount(p.redis.url);
  const runSampler = sampleRedisMemory(p.redis.url);
  let arrivedAt: Record<string, number> = {};
  const run = await runSession(
    p,
    opts,
    lateSmall && mailboxSizes
      ? async (timeoutMs) => {
          arrivedAt = await seedLate(p, mailboxSizes[0] ?? 0, mailboxSizes.slice(1), opts.randomSeed, timeoutMs);
        }
      : undefined,
  );
  const redisPeakUsedMemoryMb = await runSampler.stop();
  const [graph, ms4, batches, receipts, redisPeak] = await Promise.all([
    graphStats(p.graph.adminUrl),
    ms4Stats(p.ms4.adminUrl),
    ms4Batches(p.ms4.adminUrl),
    ms4Receipts(p.ms4.adminUrl),
    redisPeakMemoryMb(p.redis.url),
  ]);
  const cpuOutsideApps = outsideApps.read();
  const redisCommandsRun = await redisCommands.read(ms4.uniqueKeys);
  const usage = await p.stopApps();
  const cpuSeconds = Object.fromEntries(
    Object.entries(usage.cpuSeconds).map(([app, s]) => [app, Math.max(0, s - (cpuAtStart[app] ?? 0))]),
  );
  say('apps stopped; raw BullMQ baseline (after) on the same redis-server...');

  const sampler = sampleRedisMemory(p.redis.url);
  const baseline = await baselineRun(p, opts.emails, concurrency);
  const baselinePeak = await sampler.stop();

  const report = buildReport({
    emails: p.seed.emails,
    expectedInvoices: p.seed.expectedInvoices,
    startMs: run.startMs,
    doneMs: run.doneAt,
    counters: run.counters,
    graph,
    ms4,
    latency: itemLatency(batches, run.startMs),
    latencyByMailbox: latencyByMailbox(receipts, run.startMs, arrivedAt),
    peakRss: usage.peakRssMb,
    cpuSeconds,
    cpuOutsideApps,
    redisCommands: redisCommandsRun,
    completeness: checkCompleteness(p.seed, receipts),
    redisPeakMemoryMb: redisPeak,
    redisPeakUsedMemoryMb,
    baseline: { ...baseline, redisPeakMemoryMbSampled: baselinePeak },
    baselineBefore,
    settings: {
      graph: graphMode,
      emails: opts.emails,
      mailboxes: opts.mailboxes,
      ...(mailboxSizes ? { mailboxSizes: mailboxSizes.join(',') } : {}),
      ...(lateSmall ? { lateSmall: 'mailboxes 2.. seeded once the first one is enqueued; their times from then' } : {}),
      processors: opts.processors,
      processorConcurrency: opts.processorConcurrency,
      randomSeed: opts.randomSeed,
      graphThrottle:
        graphMode === 'unthrottled'
          ? 'none (no limits, no Graph clock)'
          : 'Graph clock (120 ms + 0.1 ms/KB + up to 40 ms) and limits (4 concurrent, 10000 per 10 min, per app and mailbox)',
      ms4: 'ms4-sim, no faults',
      ms4BatchMaxItems: 'app default',
      logLevel: opts.logLevel,
      settleWaitSeconds,
    },
  });
  await p.stop();

  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`\n${summary(report)}report written to ${out}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
});

interface BenchFlags {
  mailboxSizes: number[] | undefined;
  lateSmall: boolean;
  graphMode: GraphMode;
  settleSeconds: number;
}

/** The bench's own flags (the common ones are parseOrExit's); a bad one throws UsageError. */
function benchFlags(str: (flag: string) => string | undefined, lateSmall: boolean): BenchFlags {
  const mailboxSizes = mailboxSizesOf(str('mailbox-sizes'));
  if (lateSmall && (!mailboxSizes || mailboxSizes.length < 2))
    throw new UsageError('--late-small needs --mailbox-sizes with two mailboxes or more');
  return {
    mailboxSizes,
    lateSmall,
    graphMode: graphModeOf(str('graph')),
    settleSeconds: intFlag('settle-seconds', str('settle-seconds'), SETTLE_SECONDS, 0),
  };
}

function graphModeOf(raw: string | undefined): GraphMode {
  if (raw === undefined || raw === 'real') return 'real';
  if (raw === 'unthrottled') return 'unthrottled';
  throw new UsageError(`--graph: real or unthrottled (got ${raw})`);
}

function mailboxSizesOf(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  try {
    return raw.split(',').map((part) => intFlag('mailbox-sizes', part, 0, 1));
  } catch {
    throw new UsageError(`--mailbox-sizes: positive integers separated by commas (got ${raw})`);
  }
}

async function baselineRun(p: Pipeline, jobs: number, concurrency: number): Promise<BaselineResult> {
  const bars = progressBars();
  try {
    return await runBaseline(p.redis.url, jobs, concurrency, bars.bar('baseline jobs', jobs));
  } finally {
    bars.stop();
  }
}

function summary(r: BenchReport): string {
  return table('MS1 benchmark', [
    ['complete', `${r.complete} (missing ${r.completeness.missing}, unexpected ${r.completeness.unexpected})`],
    ['e-mails', r.emails],
    ['invoices at MS4', `${r.invoices} / ${r.expectedInvoices} expected`],
    ['wall time', `${r.wallSeconds} s`],
    ['invoices/s', r.invoicesPerSecond],
    ['Graph requests (per invoice)', `${r.graphRequests} (${r.graphRequestsPerInvoice})`],
    ['Graph 429s', r.graph429],
    ['peak in flight per mailbox', r.peakConcurrencyPerMailbox],
    ['Graph floor (ratio to it)', r.floorSeconds === null ? 'n/a' : `${r.floorSeconds} s (${r.ratioToFloor})`],
    ['token requests', r.tokenRequests],
    ['MS4 batches (mean size)', `${r.ms4Batches} (${r.meanBatchSize})`],
    [
      'latency p50 / p95 / p99 / max',
      `${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} / ${r.latencyMs.max} ms`,
    ],
    ['CPU per invoice (total)', `${Math.round(r.cpuSecondsPerInvoice.total * 1e5) / 100} ms`],
    [
      'CPU apps / Redis / bench+sims (busy)',
      `${r.machineCpu.appsSeconds} / ${r.machineCpu.redisSeconds} / ${r.machineCpu.benchAndSimulatorsSeconds} s (${r.machineCpu.busyShare})`,
    ],
    ...Object.entries(r.peakRssMb).map(([k, v]): [string, string] => [`peak RSS ${k}`, `${v} MB`]),
    ['Redis peak used memory (run)', `${r.redisPeakUsedMemoryMb} MB`],
    ['Redis commands per invoice', r.redisCommands.perInvoice],
    [
      'baseline (raw BullMQ, 3 queues)',
      `${r.baselineJobsPerSecond} jobs/s (before ${r.baselineRuns.before.jobsPerSecond}, after ${r.baselineRuns.after.jobsPerSecond})`,
    ],
    ['ratio MS1 / baseline', r.ratioToBaseline],
  ]);
}
