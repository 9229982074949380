/**
 * Past this page of a round, a mailbox's pages share one priority (first in, first out among themselves). Far below
 * BullMQ's highest priority (2^21); a round this long is a backfill whatever its exact page.
 */
export const MAX_FAIR_PRIORITY = 1000;

/**
 * The BullMQ priority of the `process-email` jobs of a round's `page`-th delta page (1 for the first page; a lower
 * number goes first). Every mailbox's round starts at 1, so the first pages of any mailbox, new mail included,
 * overtake the later pages of a mailbox that is backfilling thousands of e-mails: a small mailbox waits for at most
 * the pages of the same rank already queued, not for the big mailbox's whole backlog. Equal priorities keep their
 * order of arrival.
 */
export function fairPriority(page: number): number {
  return Math.min(Math.max(1, Math.floor(page)), MAX_FAIR_PRIORITY);
}
