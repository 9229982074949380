// pnpm bench [-- --invoices N --mailboxes M --processors P --out FILE]: the whole pipeline against the simulators,
// then a raw BullMQ baseline on the same redis-server; one JSON report on stdout (and in --out), progress on stderr.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@ms1/test-utils';
import { parseOrExit } from './args';
import { runBaseline } from './baseline';
import { itemLatency } from './latency';
import { say } from './log';
import { progressBars } from './progress';
import { buildReport, type BenchReport } from './report';
import { runCommand, runSession, upPipeline } from './run';
import { runSteady } from './steady';
import { graphStats, ms4Batches, ms4Stats, redisPeakMemoryMb, sampleRedisMemory } from './stats';
import { table } from './table';

const USAGE = `pnpm bench [-- --invoices N (10000, e-mails seeded) --mailboxes M (2) --processors P (2)
  --processor-concurrency C (8) --out FILE (bench-results/latest.json) --random-seed S --timeout-seconds T --log-level L]
pnpm bench -- --steady MINUTES [--rate E (e-mails per second, 4) --window S (retention windows, 300) --out FILE]`;

runCommand(async (setPipeline) => {
  if (process.argv.includes('--steady')) return runSteady(process.argv.slice(2), setPipeline);
  const parsed = parseOrExit(process.argv.slice(2), 'invoices', 10_000, { out: { type: 'string' } }, USAGE);
  if (!parsed) return;
  const { opts } = parsed;
  const out = path.resolve(repoRoot, parsed.str('out') ?? 'bench-results/latest.json');

  const p = await upPipeline(opts);
  setPipeline(p);
  const run = await runSession(p, opts);
  const [graph, ms4, batches, redisPeak] = await Promise.all([
    graphStats(p.graph.adminUrl),
    ms4Stats(p.ms4.adminUrl),
    ms4Batches(p.ms4.adminUrl),
    redisPeakMemoryMb(p.redis.url),
  ]);
  const peakRss = await p.stopApps();
  say('apps stopped; raw BullMQ baseline on the same redis-server...');

  const sampler = sampleRedisMemory(p.redis.url);
  const bars = progressBars();
  const concurrency = opts.processors * opts.processorConcurrency;
  let baseline;
  try {
    baseline = await runBaseline(p.redis.url, opts.emails, concurrency, bars.bar('baseline jobs', opts.emails));
  } finally {
    bars.stop();
  }
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
    peakRss,
    redisPeakMemoryMb: redisPeak,
    baseline: { ...baseline, redisPeakMemoryMbSampled: baselinePeak },
    settings: {
      emails: opts.emails,
      mailboxes: opts.mailboxes,
      processors: opts.processors,
      processorConcurrency: opts.processorConcurrency,
      randomSeed: opts.randomSeed,
      graphThrottle: 'graph-sim defaults (4 concurrent, 10000 per 10 min, per app and mailbox)',
      ms4: 'ms4-sim, no faults',
      ms4BatchMaxItems: 'app default',
      logLevel: opts.logLevel,
    },
  });
  await p.stop();

  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`\n${summary(report)}report written to ${out}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
});

function summary(r: BenchReport): string {
  return table('MS1 benchmark', [
    ['e-mails', r.emails],
    ['invoices at MS4', `${r.invoices} / ${r.expectedInvoices} expected`],
    ['wall time', `${r.wallSeconds} s`],
    ['invoices/s', r.invoicesPerSecond],
    ['Graph requests (per invoice)', `${r.graphRequests} (${r.graphRequestsPerInvoice})`],
    ['Graph 429s', r.throttled],
    ['token requests', r.tokenRequests],
    ['MS4 batches (mean size)', `${r.ms4Batches} (${r.meanBatchSize})`],
    ['latency p50 / p95 / max', `${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.max} ms`],
    ...Object.entries(r.peakRssMb).map(([k, v]): [string, string] => [`peak RSS ${k}`, `${v} MB`]),
    ['Redis peak memory', `${r.redisPeakMemoryMb} MB`],
    ['baseline (raw BullMQ, 3 queues)', `${r.baseline.jobsPerSecond} jobs/s in ${r.baseline.wallSeconds} s`],
    ['ratio MS1 / baseline', r.ratio],
  ]);
}
