// pnpm demo [-- --emails N --keep]: the whole pipeline on a seeded mailbox set, a progress bar, a summary table.
// Without --keep everything is stopped at the end; with --keep it stays up (URLs printed) until Ctrl-C.
import { parseOrExit } from './args';
import { say } from './log';
import type { Pipeline } from './pipeline';
import { runCommand, runSession, upPipeline, type SessionRun } from './run';
import { graphStats, ms4Stats } from './stats';
import { table } from './table';

const USAGE = `pnpm demo [-- --emails N (500) --mailboxes M (2) --processors P (2) --processor-concurrency C (8)
  --random-seed S --timeout-seconds T --log-level L --cpu-prof DIR --keep]`;

runCommand(async (setPipeline) => {
  const parsed = parseOrExit(
    process.argv.slice(2),
    'emails',
    { count: 500, processors: 2 },
    { keep: { type: 'boolean' } },
    USAGE,
  );
  if (!parsed) return;
  const { opts } = parsed;
  const p = await upPipeline(opts);
  setPipeline(p);
  const run = await runSession(p, opts);
  process.stderr.write(`\n${await summary(p, run)}`);
  if (parsed.values.keep === true) {
    say(urls(p));
    await new Promise<never>(() => undefined); // until Ctrl-C: the signal handler stops everything
  }
});

async function summary(p: Pipeline, run: SessionRun): Promise<string> {
  const [graph, ms4] = await Promise.all([graphStats(p.graph.adminUrl), ms4Stats(p.ms4.adminUrl)]);
  const c = run.counters;
  return table('MS1 demo', [
    ['e-mails', p.seed.emails],
    ['invoices (at MS4 / expected)', `${ms4.uniqueKeys} / ${p.seed.expectedInvoices}`],
    ['not invoices', c.notInvoices],
    ['unreadable', c.unreadable],
    ['dead-lettered', c.deadLettered],
    ['MS4 batches (mean size)', `${ms4.batches} (${ms4.meanBatch.toFixed(1)})`],
    ['Graph requests', graph.requests.total],
    ['Graph 429s', graph.throttled.total],
    ['time', `${((run.doneAt - run.startMs) / 1000).toFixed(1)} s`],
  ]);
}

function urls(p: Pipeline): string {
  return [
    '',
    'Everything keeps running; Ctrl-C stops it all.',
    `  control API     ${p.ingestUrl}   (Authorization: Bearer ${p.controlToken})`,
    `                  curl -H 'Authorization: Bearer ${p.controlToken}' ${p.ingestUrl}/session/status`,
    `  Bull Board      ${p.ingestUrl}/admin/queues   (any user name, password ${p.controlToken})`,
    `  graph-sim       ${p.graph.graphBaseUrl}   admin ${p.graph.adminUrl}   CA ${p.graph.caFile}`,
    `  ms4-sim         ${p.ms4.baseUrl}   admin ${p.ms4.adminUrl}`,
    `  redis           ${p.redis.url}   queue prefix {${p.queuePrefix}}`,
  ].join('\n');
}
