// BullMQ rejects custom job ids containing ':' (its key separator) and integer ids: every id goes through here.

function part(s: string): string {
  return s.replace(/:/g, '_');
}

export const jobIds = {
  processEmail: (mailboxId: string, messageId: string) => `${part(mailboxId)}~${part(messageId)}`,
  invoiceMetadata: (invoiceKey: string) => part(invoiceKey),
  /** `pageKey` names the page's cursor, so that the same page read again (after a crash) gets the same id. */
  syncPage: (mailboxId: string, pageKey: string, page: number) => `page~${part(mailboxId)}~${part(pageKey)}~${page}`,
  /** One per session, plan and lane: adding a lane again while it exists adds nothing. */
  backfillRange: (sessionId: string, mailboxId: string, folder: string, planId: string, lane: number) =>
    `backfill~${part(sessionId)}~${part(mailboxId)}~${part(folder)}~${part(planId)}~${lane}`,
  deadLetter: (sourceQueue: string, jobId: string) => `${part(sourceQueue)}~${part(jobId)}`,
  /** One per e-mail and final outcome: the action is enqueued by whoever sees the outcome become final, once. */
  afterAction: (mailboxId: string, messageId: string, outcome: string) =>
    `after~${part(mailboxId)}~${part(messageId)}~${outcome}`,
};

/** BullMQ deduplication ids may contain ':' (they are not job ids). */
export const dedupIds = {
  syncMailbox: (mailboxId: string, folder: string) => `sync:${mailboxId}:${folder}`,
};
