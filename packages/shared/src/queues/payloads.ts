import type { EmailAddress, Ms4Item } from '../ms4/item';
import type { JobQueue, SourceJobName } from './names';

export type SyncTrigger = 'schedule' | 'webhook' | 'manual' | 'lifecycle';

export interface SyncTickData {
  sessionId: string;
}

export interface SyncMailboxData {
  sessionId: string;
  mailboxId: string;
  folder: string;
  trigger: SyncTrigger;
}

/**
 * One lane of a folder's backfill plan: the messages received in [from, to) (ISO-8601), read with
 * `$filter=receivedDateTime ge from and receivedDateTime lt to` ordered by receivedDateTime. The lane's progress lives
 * in Redis under the plan, so a re-run (crash, restart, next session) carries on where it stopped.
 */
export interface BackfillRangeData {
  sessionId: string;
  mailboxId: string;
  folder: string;
  planId: string;
  /** 0-based. */
  lane: number;
  lanes: number;
  from: string;
  to: string;
  /** Turns in a row the lane waited for the processors' backlog (its next wait doubles); absent when it read. */
  heldTurns?: number;
}

export interface RenewSubscriptionsData {
  sessionId: string;
  /** One mailbox (after a lifecycle notification), or every mailbox of the session when absent. */
  mailboxId?: string;
  /** Why: the schedule (whose first run, at session start, creates them), or a lifecycle event from Graph. */
  reason: 'schedule' | 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
}

export interface SyncPageData {
  sessionId: string;
  mailboxId: string;
  folder: string;
  /** The delta round the page belongs to (its parent's job id comes from the page's cursor, not from this). */
  roundId: string;
  page: number;
  messageCount: number;
}

/** An attachment as listed by the sync; `storageRef` is null when the page could not carry its content. */
export interface ListedAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  sha256: string | null;
  storageRef: string | null;
}

/** What the sync worker read from the listing; the processor needs no further Graph call when content came along. */
export interface MessageListing {
  subject: string | null;
  from: EmailAddress | null;
  internetMessageId: string | null;
  hasAttachments: boolean;
  bodyPreview: string | null;
  attachments: ListedAttachment[];
}

export interface ProcessEmailData {
  sessionId: string;
  mailboxId: string;
  /** Graph's immutable id of the message: it stays when the message is moved. */
  messageId: string;
  receivedDateTime: string;
  listing: MessageListing;
  /** The mail rule that took the message (MAIL_RULES_FILE); absent without rules. */
  rule?: string;
  /** The folder path it was found in. */
  folder?: string;
}

export type InvoiceMetadataData = Ms4Item;

/** The final outcomes of an e-mail, as the mail rules name their after-actions. */
export type FinalOutcome = 'forwarded' | 'notInvoice' | 'unreadable';

export interface AfterActionData {
  sessionId: string;
  mailboxId: string;
  /** Immutable id: the action finds the message wherever it was moved since. */
  messageId: string;
  /** The rule that took the e-mail: its `afterActions[outcome]` is what is done. */
  rule: string;
  outcome: FinalOutcome;
}

/** Everything a job of each name carries. Producer and consumer both use this map. */
export interface JobPayloads {
  'sync-tick': SyncTickData;
  'sync-mailbox': SyncMailboxData;
  'backfill-range': BackfillRangeData;
  'renew-subscriptions': RenewSubscriptionsData;
  'sync-page': SyncPageData;
  'process-email': ProcessEmailData;
  'invoice-metadata': InvoiceMetadataData;
  'after-action': AfterActionData;
  'dead-letter': DeadLetterData;
}

export type EmailOutcomeKind = 'invoice' | 'not-an-invoice' | 'unreadable';

/** A `process-email` result. It names its e-mail, so that the page's parent never reads ids out of job keys. */
export interface EmailOutcome {
  mailboxId: string;
  messageId: string;
  outcome: EmailOutcomeKind;
  invoices: number;
  warnings: number;
  reason: string;
}

export interface SyncPageOutcome {
  messages: number;
  invoices: number;
  notInvoices: number;
  failed: number;
  markedRead: number;
}

/** What a job of each name returns (its BullMQ `returnvalue`). */
export interface JobResults {
  'sync-tick': { enqueued: number };
  'sync-mailbox': { pages: number; messages: number; removed: number };
  /** A run reads pages for a turn, then hands the job back to the queue (so lanes of every mailbox take turns). */
  'backfill-range': { pages: number; messages: number; done: boolean };
  'renew-subscriptions': { renewed: number };
  'sync-page': SyncPageOutcome;
  'process-email': EmailOutcome;
  'invoice-metadata': { batchId: string };
  /** What was done (`markRead`, `categories`, `moveTo`), or why nothing was. */
  'after-action': { applied: string[]; skipped: string | null };
  'dead-letter': void;
}

/** The dead-letter entry of one source job name: the failed job as it was, and why. */
export interface DeadLetterOf<J extends SourceJobName> {
  sourceQueue: JobQueue[J];
  jobName: J;
  jobId: string;
  data: JobPayloads[J];
  failedReason: string;
  attemptsMade: number;
  stacktrace: string[];
  failedAt: string;
}

/** What a `dead-letter` job carries: the entry of any source job. */
export type DeadLetterData = DeadLetterOf<SourceJobName>;

/**
 * Flows: which job a parent waits for. A parent's handler reads its children's results as `JobResults` of the
 * child name, and `Producer.addFlow` accepts only these pairs.
 */
export interface FlowChildren {
  'sync-page': 'process-email';
}
export type FlowParentName = keyof FlowChildren;
