// Queue and job names are stored in Redis (they are part of every BullMQ key and job record):
// do not rename one without a migration that drains the old queue.

export const QueueName = {
  MailSync: 'mail-sync',
  MailSyncResults: 'mail-sync-results',
  EmailInbound: 'email-inbound',
  Ms4Outbound: 'ms4-outbound',
  /** What MS1 does to an e-mail in Outlook once its outcome is final (the mail rules' after-actions). */
  MailActions: 'mail-actions',
  DeadLetter: 'dead-letter',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  /** Emitted by the polling job scheduler; its handler adds one deduplicated `sync-mailbox` per session mailbox. */
  SyncTick: 'sync-tick',
  SyncMailbox: 'sync-mailbox',
  /** One lane of a folder's first sync: a receivedDateTime range read page after page, beside the delta chain. */
  BackfillRange: 'backfill-range',
  RenewSubscriptions: 'renew-subscriptions',
  /** Flow parent of one delta page's `process-email` children. */
  SyncPage: 'sync-page',
  ProcessEmail: 'process-email',
  InvoiceMetadata: 'invoice-metadata',
  /** One e-mail's after-action (mark read, categories, move), once per final outcome. */
  AfterAction: 'after-action',
  DeadLetter: 'dead-letter',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Which queue carries each job. A job name missing here, or on the wrong queue, is a compile error. */
export const JobQueue = {
  'sync-tick': QueueName.MailSync,
  'sync-mailbox': QueueName.MailSync,
  'backfill-range': QueueName.MailSync,
  'renew-subscriptions': QueueName.MailSync,
  'sync-page': QueueName.MailSyncResults,
  'process-email': QueueName.EmailInbound,
  'invoice-metadata': QueueName.Ms4Outbound,
  'after-action': QueueName.MailActions,
  'dead-letter': QueueName.DeadLetter,
} as const satisfies Record<JobName, QueueName>;
export type JobQueue = typeof JobQueue;

/** The job names a queue carries. */
export type JobsOf<Q extends QueueName> = { [J in JobName]: JobQueue[J] extends Q ? J : never }[JobName];

/** Queues whose final failures are dead-lettered (every queue but `dead-letter` itself). */
export type SourceQueue = Exclude<QueueName, 'dead-letter'>;
/** Jobs that can end in `dead-letter` and be replayed from there. */
export type SourceJobName = JobsOf<SourceQueue>;

export const allQueues: readonly QueueName[] = Object.values(QueueName);
