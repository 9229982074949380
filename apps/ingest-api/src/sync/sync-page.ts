import { childResults, type JobHandler, type MailGraph, type SessionStore } from '@ms1/shared';

/**
 * The flow parent of one delta page: runs when all its `process-email` children are done (or failed), records the
 * page's outcome and, when MARK_AS_READ is on, marks the page's processed messages read with `$batch` requests.
 */
export function syncPageHandler(deps: {
  graph: MailGraph;
  markAsRead: boolean;
  sessions: SessionStore;
}): JobHandler<'sync-page'> {
  return async (job, { logger }) => {
    const outcomes = await childResults(job);
    const failures = await job.getIgnoredChildrenFailures();
    const outcome = {
      messages: job.data.messageCount,
      invoices: outcomes.reduce((n, o) => n + o.invoices, 0),
      notInvoices: outcomes.filter((o) => o.outcome === 'not-an-invoice').length,
      failed: Object.keys(failures).length,
      markedRead: 0,
    };
    if (deps.markAsRead) {
      outcome.markedRead = await deps.graph.markRead(
        { mailboxId: job.data.mailboxId, sessionId: job.data.sessionId },
        outcomes.map((o) => o.messageId),
      );
    }
    await deps.sessions.incrOnce(job.data.sessionId, `page:${String(job.id)}`, {
      pages: 1,
      markedRead: outcome.markedRead,
    });
    logger.info('page done', outcome);
    return outcome;
  };
}
