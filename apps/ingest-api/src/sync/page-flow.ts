import { createHash } from 'node:crypto';
import type { FlowJob, FlowProducer } from 'bullmq';
import {
  JobName,
  jobIds,
  JobQueue,
  type JobPayloads,
  type ProcessEmailData,
  type QueueContext,
  type SyncPageData,
} from '@ms1/shared';

/**
 * One delta page becomes one flow, added atomically: a `sync-page` parent and one `process-email` child per new
 * message. The parent's id is derived from the page's cursor, so re-running the same page after a crash adds
 * nothing twice. Children ignore each other's failures, so one poison message cannot block the page.
 */
export async function addPageFlow(
  flows: FlowProducer,
  ctx: QueueContext,
  page: Omit<SyncPageData, 'messageCount'> & { link: string },
  emails: ProcessEmailData[],
): Promise<void> {
  if (emails.length === 0) return;
  const pageKey = createHash('sha256').update(page.link).digest('hex').slice(0, 24);
  const parentData: JobPayloads['sync-page'] = {
    sessionId: page.sessionId,
    mailboxId: page.mailboxId,
    folder: page.folder,
    roundId: page.roundId,
    page: page.page,
    messageCount: emails.length,
  };
  const flow: FlowJob = {
    name: JobName.SyncPage,
    queueName: JobQueue[JobName.SyncPage],
    prefix: ctx.prefix,
    data: parentData,
    opts: { ...ctx.jobOptions, jobId: jobIds.syncPage(page.mailboxId, pageKey, page.page) },
    children: emails.map((data) => ({
      name: JobName.ProcessEmail,
      queueName: JobQueue[JobName.ProcessEmail],
      prefix: ctx.prefix,
      data,
      opts: {
        ...ctx.jobOptions,
        jobId: jobIds.processEmail(data.mailboxId, data.messageId),
        ignoreDependencyOnFailure: true,
      },
    })),
  };
  await flows.add(flow);
}
