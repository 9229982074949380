import { createHash } from 'node:crypto';
import { JobName, jobIds, type ProcessEmailData, type Producer, type SyncPageData } from '@ms1/shared';
import { fairPriority } from './fair-priority';

/**
 * One delta page becomes one flow, added atomically: a `sync-page` parent and one `process-email` child per new
 * message. The parent's id is derived from the page's cursor, so re-running the same page after a crash adds
 * nothing twice while the parent is kept (1 h, or KEEP_COMPLETED_COUNT / its children once completed). Children
 * ignore each other's failures, so one poison message cannot block the page. Children are prioritized by the page's
 * rank in its round (`fairPriority`), so a big mailbox's backfill does not hold back the first pages of the others.
 */
export async function addPageFlow(
  producer: Producer,
  page: Omit<SyncPageData, 'messageCount'> & { link: string },
  emails: ProcessEmailData[],
): Promise<void> {
  if (emails.length === 0) return;
  const pageKey = createHash('sha256').update(page.link).digest('hex').slice(0, 24);
  await producer.addFlow(
    {
      name: JobName.SyncPage,
      jobId: jobIds.syncPage(page.mailboxId, pageKey, page.page),
      data: {
        sessionId: page.sessionId,
        mailboxId: page.mailboxId,
        folder: page.folder,
        roundId: page.roundId,
        page: page.page,
        messageCount: emails.length,
      },
    },
    emails.map((data) => ({
      name: JobName.ProcessEmail,
      jobId: jobIds.processEmail(data.mailboxId, data.messageId),
      data,
      opts: { ignoreDependencyOnFailure: true, priority: fairPriority(page.page) },
    })),
  );
}
