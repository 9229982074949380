export type PollingMode = 'scheduled' | 'manual';

export interface SessionSettings {
  pollingMode: PollingMode;
  pollingIntervalSeconds: number;
  enableWebhook: boolean;
  mailboxes: string[];
  folder: string;
}

/** Per-session counters, kept atomically in a Redis hash. */
export const COUNTERS = [
  'discovered', // messages listed by delta
  'removed', // @removed entries seen
  'enqueued', // process-email jobs added
  'processed', // e-mails processed (any outcome)
  'invoices', // invoices found (one e-mail may hold several)
  'notInvoices', // e-mails that were not invoices
  'unreadable', // e-mails whose candidate documents could not be read
  'warnings',
  'forwarded', // items accepted by MS4
  'failed', // job failures (retries included)
  'deadLettered',
  'graphRequests',
  'graphThrottled', // 429s from Graph
  'syncRounds',
  'pages', // delta pages whose e-mails are all done (flow parents completed)
  'markedRead', // messages marked read (MARK_AS_READ)
  'oversizedAttachments', // attachments over MAX_ATTACHMENT_BYTES, recorded by the sync and never stored
  'leftAlone', // messages no mail rule took (MAIL_RULES_FILE), left as they are
  'excludedAttachments', // attachments a mail rule excluded: never stored, never fetched
  'afterActions', // after-actions done in Outlook (mark read, categories, move), once per e-mail and outcome
] as const;
export type CounterName = (typeof COUNTERS)[number];
export type SessionCounters = Record<CounterName, number>;

export interface Session {
  sessionId: string;
  status: 'active' | 'stopped';
  startedAt: string;
  stoppedAt: string | null;
  stopReason: string | null;
  settings: SessionSettings;
  counters: SessionCounters;
}
