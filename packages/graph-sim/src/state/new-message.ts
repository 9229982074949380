import type { FileAttachment, Message } from '@microsoft/microsoft-graph-types';
import type { ByteSource } from '../content/byte-source';
import { changeKey, exchangeId, uuid } from '../util/ids';
import { graphDate } from '../util/time';
import type { StoredAttachment } from './types';

/** An attachment whose bytes are already stored. */
export interface NewAttachment {
  meta: Omit<FileAttachment, 'contentBytes' | 'id' | 'size'>;
  content: ByteSource;
}

/** Graph writes message dates as ISO-8601 UTC without fractions. */
function normalizeDate(v: string | null | undefined): string | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : graphDate(new Date(t));
}

function preview(body: Message['body']): string {
  const text = body?.content ?? '';
  const plain = body?.contentType === 'html' ? text.replace(/<[^>]*>/g, ' ') : text;
  return plain.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/** A received message as Exchange stores it: what the sender gave, and what the server assigns. */
export function newMessage(
  input: Omit<Message, 'attachments'>,
  newAttachments: NewAttachment[],
  at: { key: string; folderId: string; owner: { name: string; address: string } },
): { data: Message; attachments: StoredAttachment[] } {
  const { key, folderId, owner } = at;
  const now = graphDate(new Date());
  const received = normalizeDate(input.receivedDateTime) ?? now;
  const attachments: StoredAttachment[] = newAttachments.map(({ meta, content }) => ({
    content,
    meta: {
      '@odata.type': '#microsoft.graph.fileAttachment',
      id: exchangeId('AAMkAGAtt'),
      lastModifiedDateTime: now,
      name: meta.name ?? 'attachment',
      contentType: meta.contentType ?? 'application/octet-stream',
      size: content.size,
      isInline: meta.isInline ?? false,
      contentId: meta.contentId ?? null,
      contentLocation: meta.contentLocation ?? null,
    },
  }));
  const data: Message = {
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey: changeKey(),
    categories: input.categories ?? [],
    receivedDateTime: received,
    sentDateTime: normalizeDate(input.sentDateTime) ?? received,
    hasAttachments: input.hasAttachments ?? attachments.some((a) => !a.meta.isInline),
    internetMessageId: input.internetMessageId ?? `<${uuid()}@graph-sim.example>`,
    subject: input.subject ?? '',
    bodyPreview: input.bodyPreview ?? preview(input.body),
    importance: input.importance ?? 'normal',
    parentFolderId: folderId,
    conversationId: input.conversationId ?? exchangeId('AAQkAG'),
    conversationIndex: input.conversationIndex ?? Buffer.from(uuid()).toString('base64'),
    isDeliveryReceiptRequested: input.isDeliveryReceiptRequested ?? false,
    isReadReceiptRequested: input.isReadReceiptRequested ?? false,
    isRead: input.isRead ?? false,
    isDraft: input.isDraft ?? false,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(key)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: input.inferenceClassification ?? 'focused',
    body: input.body ?? { contentType: 'text', content: '' },
    sender: input.sender ?? input.from ?? null,
    from: input.from ?? null,
    toRecipients: input.toRecipients ?? [{ emailAddress: owner }],
    ccRecipients: input.ccRecipients ?? [],
    bccRecipients: input.bccRecipients ?? [],
    replyTo: input.replyTo ?? [],
    flag: input.flag ?? { flagStatus: 'notFlagged' },
  };
  return { data, attachments };
}
