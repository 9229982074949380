import type { DeltaAttachment, DeltaMessage, ListedAttachment, MessageListing } from '@ms1/shared';
import type { AttachmentHead, MailRule } from '../rules/mail-rules';

const FILE_ATTACHMENT = '#microsoft.graph.fileAttachment';

/**
 * Turns a delta page's message into the job's listing. The page reader already put the content that came with the
 * page in the attachment store (claim check: the job carries its SHA-256 and reference, never bytes); what the page
 * did not carry, or what was over the size limit, keeps `storageRef: null` and its size, for the processor to fetch
 * or record. With a mail rule, the attachments it excludes are left out: the processor never sees or fetches them.
 */
export function toListing(message: DeltaMessage, rule: MailRule | null = null): MessageListing {
  const from = message.from?.emailAddress;
  const attachments = rule ? message.attachments.filter((a) => rule.keepsAttachment(headOf(a))) : message.attachments;
  return {
    subject: message.subject ?? null,
    from: from?.address ? { name: from.name ?? null, address: from.address } : null,
    internetMessageId: message.internetMessageId ?? null,
    hasAttachments: Boolean(message.hasAttachments),
    bodyPreview: message.bodyPreview ? message.bodyPreview.slice(0, 1000) : null,
    attachments: attachments.map(listed),
  };
}

/** Attachments of the page that were over MAX_ATTACHMENT_BYTES: recorded by name, size and type, never stored. */
export function oversized(message: DeltaMessage): DeltaAttachment[] {
  return message.attachments.filter((a) => a.content.kind === 'too-large');
}

/** What a mail rule reads of an attachment. */
export function headOf(a: DeltaAttachment): AttachmentHead {
  return {
    name: a.name ?? null,
    contentType: a.contentType ?? null,
    size: a.size ?? null,
    isInline: Boolean(a.isInline),
    isFile: !a['@odata.type'] || a['@odata.type'] === FILE_ATTACHMENT,
  };
}

function listed(a: DeltaAttachment): ListedAttachment {
  const entry: ListedAttachment = {
    id: a.id,
    name: a.name ?? 'attachment',
    contentType: a.contentType ?? 'application/octet-stream',
    size: a.size ?? 0,
    isInline: Boolean(a.isInline),
    sha256: null,
    storageRef: null,
  };
  const c = a.content;
  if (c.kind === 'absent') return entry;
  const kept = (!a['@odata.type'] || a['@odata.type'] === FILE_ATTACHMENT) && !entry.isInline;
  if (c.kind === 'stored' && kept) return { ...entry, size: c.size, sha256: c.sha256, storageRef: c.storageRef };
  return { ...entry, size: c.size };
}
