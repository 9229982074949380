import type { AttachmentStore, GraphAttachment, GraphMessage, ListedAttachment, MessageListing } from '@ms1/shared';

const FILE_ATTACHMENT = '#microsoft.graph.fileAttachment';

/**
 * Turns a delta page's message into the job's listing. Attachment content that came with the page goes to the
 * attachment store now (claim check: the job carries its SHA-256 and reference, never bytes); what the page did
 * not carry, or what is over the size limit, keeps `storageRef: null` for the processor to fetch or record.
 */
export async function toListing(message: GraphMessage, store: AttachmentStore): Promise<MessageListing> {
  const attachments: ListedAttachment[] = [];
  for (const a of message.attachments ?? []) attachments.push(await storeAttachment(a, store));
  const from = message.from?.emailAddress;
  return {
    subject: message.subject ?? null,
    from: from?.address ? { name: from.name ?? null, address: from.address } : null,
    internetMessageId: message.internetMessageId ?? null,
    hasAttachments: Boolean(message.hasAttachments),
    bodyPreview: message.bodyPreview ? message.bodyPreview.slice(0, 1000) : null,
    attachments,
  };
}

async function storeAttachment(a: GraphAttachment, store: AttachmentStore): Promise<ListedAttachment> {
  const listed: ListedAttachment = {
    id: a.id,
    name: a.name ?? 'attachment',
    contentType: a.contentType ?? 'application/octet-stream',
    size: a.size ?? 0,
    isInline: Boolean(a.isInline),
    sha256: null,
    storageRef: null,
  };
  const isFile = !a['@odata.type'] || a['@odata.type'] === FILE_ATTACHMENT;
  if (!isFile || listed.isInline || typeof a.contentBytes !== 'string') return listed;
  const bytes = Buffer.from(a.contentBytes, 'base64');
  if (bytes.length > store.maxBytes) return { ...listed, size: bytes.length };
  const stored = await store.put(bytes);
  return { ...listed, size: bytes.length, sha256: stored.sha256, storageRef: stored.storageRef };
}
