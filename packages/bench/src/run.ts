// Shared by bench and demo: bring the pipeline up with a seeding bar, run one manual session to the end.
import type { CommonOptions } from './args';
import { cleanupAll, installSignalHandlers, interrupted } from './cleanup';
import { say } from './log';
import { startPipeline, type GraphMode, type Pipeline } from './pipeline';
import { progressBars } from './progress';
import { watchUntilDone, type Done } from './watch';

export interface SessionRun extends Done {
  startMs: number;
}

export async function upPipeline(opts: CommonOptions & { graphMode?: GraphMode }): Promise<Pipeline> {
  installSignalHandlers();
  let seedBars: ReturnType<typeof progressBars> | undefined;
  let seedBar: ((n: number) => void) | undefined;
  return startPipeline({
    ...opts,
    log: say,
    onSeedProgress: (done) => {
      if (!seedBar) {
        seedBars = progressBars();
        seedBar = seedBars.bar('e-mails seeded', opts.emails);
      }
      seedBar(done);
      if (done >= opts.emails) seedBars?.stop();
    },
  });
}

export async function runSession(p: Pipeline, opts: CommonOptions): Promise<SessionRun> {
  const timeoutMs = (opts.timeoutSeconds ?? Math.max(300, Math.ceil(opts.emails / 5))) * 1000;
  const startMs = await p.startSession();
  say(
    `session started; waiting for ${p.seed.emails} e-mails and ${p.seed.expectedInvoices} invoices (timeout ${timeoutMs / 1000} s)`,
  );
  const done = await watchUntilDone(p, { timeoutMs, stallMs: 120_000 });
  return { ...done, startMs };
}

/** Runs `main`; on error prints it (and the apps' last output), cleans up and exits 1. */
export function runCommand(main: (setPipeline: (p: Pipeline) => void) => Promise<void>): void {
  let pipeline: Pipeline | undefined;
  main((p) => (pipeline = p))
    .then(() => cleanupAll())
    .then(() => process.exit(0))
    .catch(async (err: unknown) => {
      const signal = interrupted();
      if (signal) {
        await cleanupAll();
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      say(`\nerror: ${err instanceof Error ? err.message : String(err)}`);
      for (const a of pipeline?.apps ?? []) say(`--- last output of ${a.name} ---\n${a.output().slice(-1500)}`);
      await cleanupAll();
      process.exit(1);
    });
}
