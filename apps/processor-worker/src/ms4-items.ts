import { createHash } from 'node:crypto';
import type { AttachmentRef, Ms4Item, ProcessEmailData } from '@ms1/shared';
import type { ExtractedInvoice } from './extract';

/** Stable across retries, replays and resyncs: mailbox + message + the document's SHA-256 (or 'body'). */
export function invoiceKey(mailboxId: string, messageId: string, documentSha256: string | null): string {
  return createHash('sha256')
    .update(`${mailboxId}\n${messageId}\n${documentSha256 ?? 'body'}`)
    .digest('hex');
}

export function toMs4Item(
  email: ProcessEmailData,
  found: ExtractedInvoice,
  attachment: AttachmentRef,
  warnings: string[],
): Ms4Item {
  const l = email.listing;
  return {
    invoiceKey: invoiceKey(email.mailboxId, email.messageId, found.sha256),
    sessionId: email.sessionId,
    mailboxId: email.mailboxId,
    messageId: email.messageId,
    internetMessageId: l.internetMessageId,
    receivedDateTime: email.receivedDateTime,
    from: l.from ?? { name: null, address: '' },
    subject: l.subject,
    attachment,
    invoice: found.invoice,
    warnings,
  };
}
