// Polls the run until every e-mail is processed and every expected invoice is at MS4, with live progress.
import type { Pipeline } from './pipeline';
import { progressBars } from './progress';
import { ms4Stats, sessionCounters, type Counters, type Ms4Stats } from './stats';

export interface WatchOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Give up when nothing moved for this long. */
  stallMs: number;
}

export interface Done {
  counters: Counters;
  ms4: Ms4Stats;
  /** When the last expected item reached MS4 (ms, wall clock). */
  doneAt: number;
}

export class RunTimeout extends Error {}

/**
 * The session's counters and MS4's figures. A poll can fail while the apps are busy (a status request whose Redis
 * command timed out on a starved machine answers 500): the watch then polls again, and only a run that stops moving
 * for `stallMs` is given up.
 */
const poll = (p: Pipeline) => Promise.all([sessionCounters(p.ingestUrl, p.controlToken), ms4Stats(p.ms4.adminUrl)]);

export async function watchUntilDone(p: Pipeline, opts: WatchOptions): Promise<Done> {
  const emails = p.seed.emails;
  const invoices = p.seed.expectedInvoices;
  const bars = progressBars();
  const emailBar = bars.bar('e-mails processed', emails);
  const ms4Bar = bars.bar('invoices at MS4', invoices);
  const started = Date.now();
  let lastMove = started;
  let lastKey = '';
  try {
    for (;;) {
      const polled = await poll(p).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      let state: string;
      if (polled instanceof Error) {
        state = `the last poll failed: ${polled.message}`;
      } else {
        const [counters, ms4] = polled;
        const handled = counters ? counters.processed + emailDeadLetters(counters) : 0;
        emailBar(handled);
        ms4Bar(ms4.uniqueKeys);
        if (counters && handled >= emails && ms4.uniqueKeys >= invoices) return { counters, ms4, doneAt: Date.now() };
        const key = `${counters?.processed}/${counters?.deadLettered}/${counters?.discovered}/${ms4.uniqueKeys}/${counters?.graphRequests}`;
        if (key !== lastKey) {
          lastKey = key;
          lastMove = Date.now();
        }
        state = `e-mails processed ${handled}/${emails}, invoices at MS4 ${ms4.uniqueKeys}/${invoices}, counters ${JSON.stringify(counters)}`;
      }
      const now = Date.now();
      if (now - started > opts.timeoutMs)
        throw new RunTimeout(`timed out after ${Math.round((now - started) / 1000)} s: ${state}`);
      if (now - lastMove > opts.stallMs)
        throw new RunTimeout(`no progress for ${Math.round(opts.stallMs / 1000)} s: ${state}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    bars.stop();
  }
}

/**
 * E-mails dead-lettered without being counted as processed (retries exhausted). An unreadable invoice e-mail is
 * counted as processed and then dead-lettered, so it is taken out here.
 */
function emailDeadLetters(c: Counters): number {
  return Math.max(0, c.deadLettered - c.unreadable);
}
