import { errorMessage, type OutcomeState, type Session } from '@ms1/shared';
import { rootFolders } from '../rules/watched';
import { syncRound } from '../sync/sync-mailbox';
import type { CliContext } from './context';

export interface PollOnceOptions {
  /** Only this mailbox (else every mailbox of the session, or MAILBOXES). */
  mailbox?: string;
  /** How long to wait for the outcomes. */
  timeoutMs: number;
  /** How often to look at them. */
  pollMs?: number;
}

export interface PollOnceSummary {
  session_id: string;
  /** Whether poll-once started (and stopped) a session of its own. */
  own_session: boolean;
  mailboxes: string[];
  folders: number;
  /** E-mails this round found new and took (every new message without mail rules). */
  discovered: number;
  left_alone: number;
  forwarded: number;
  not_invoice: number;
  unreadable: number;
  /** E-mails still without a final outcome when the wait ended. */
  pending: number;
  errors: string[];
}

/** Waits this long for the lock of a folder whose round ingest-api is running. */
const LOCK_WAIT_MS = 120_000;

/**
 * One sync round of every watched folder (and the folders below those that are watched with their subfolders), in
 * this process, then a wait until every e-mail the round found has its final outcome. The processor and the sender
 * must be running for the e-mails to get one. Without an active session a manual one (no webhooks, no schedule) is
 * started for the round and stopped after, so counters and history record it.
 */
export async function pollOnce(ctx: CliContext, opts: PollOnceOptions): Promise<PollOnceSummary> {
  const shared = ctx.sync();
  // One process, one pass: a first sync here is one delta chain (lanes would be left to the sync workers).
  const deps = { ...shared, config: { graph: { ...shared.config.graph, backfillLanes: 1 } } };
  let session: Session | null = await ctx.sessions.current();
  let own = false;
  if (!session) {
    const mailboxes = opts.mailbox ? [opts.mailbox] : [...ctx.config.graph.mailboxes];
    if (mailboxes.length === 0) throw new Error('no mailbox: give --mailbox or set MAILBOXES');
    session = await ctx.control.start(
      {
        pollingMode: 'manual',
        pollingIntervalSeconds: 300,
        enableWebhook: false,
        mailboxes,
        folder: ctx.config.graph.folder,
      },
      { initialSync: false },
    );
    own = true;
  }
  const mailboxes = opts.mailbox ? [opts.mailbox] : session.settings.mailboxes;
  const summary: PollOnceSummary = {
    session_id: session.sessionId,
    own_session: own,
    mailboxes,
    folders: 0,
    discovered: 0,
    left_alone: 0,
    forwarded: 0,
    not_invoice: 0,
    unreadable: 0,
    pending: 0,
    errors: [],
  };
  const found: { mailboxId: string; messageId: string }[] = [];
  try {
    for (const mailboxId of mailboxes) {
      const pending = rootFolders(ctx.rules, mailboxId, session.settings.folder);
      const done = new Set<string>();
      while (pending.length > 0) {
        const folder = pending.shift() ?? '';
        if (done.has(folder.toLowerCase())) continue;
        done.add(folder.toLowerCase());
        try {
          const round = await syncRound(deps, { sessionId: session.sessionId, mailboxId, folder }, ctx.logger, {
            waitForLockMs: LOCK_WAIT_MS,
          });
          summary.folders++;
          summary.left_alone += round.leftAlone;
          found.push(...round.enqueued);
          pending.push(...round.childFolders);
        } catch (err) {
          summary.errors.push(`${mailboxId}/${folder}: ${errorMessage(err)}`);
        }
      }
    }
    summary.discovered = found.length;
    const states = await waitForOutcomes(ctx, found, opts);
    for (const s of states) {
      if (s === 'forwarded') summary.forwarded++;
      else if (s === 'notInvoice') summary.not_invoice++;
      else if (s === 'unreadable') summary.unreadable++;
      else summary.pending++;
    }
  } finally {
    if (own) await ctx.control.stop('poll-once');
  }
  return summary;
}

/** The outcome of each e-mail, once all are final or the time is up (then `pending`/null for those that are not). */
async function waitForOutcomes(
  ctx: CliContext,
  emails: { mailboxId: string; messageId: string }[],
  opts: PollOnceOptions,
): Promise<(OutcomeState | null)[]> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const states = await Promise.all(emails.map((e) => ctx.outcomes.state(e.mailboxId, e.messageId)));
    const open = states.filter((s) => s === null || s === 'pending').length;
    if (open === 0 || Date.now() >= deadline) return states;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
  }
}

/** 0 when every e-mail found was forwarded or was not an invoice; 1 when one is unreadable, pending, or a round failed. */
export function pollOnceExitCode(s: PollOnceSummary): number {
  return s.unreadable > 0 || s.pending > 0 || s.errors.length > 0 ? 1 : 0;
}
