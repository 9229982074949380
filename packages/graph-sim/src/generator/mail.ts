import type { GeneratedAttachment, GeneratedMessage } from './types';

export interface Address {
  name: string;
  address: string;
}

export interface MailParts {
  subject: string;
  /** Plain text body; rendered as HTML paragraphs when `html` is set. */
  text: string;
  html?: string;
  from?: Address;
  to: string;
  received: Date;
  internetMessageId: string;
  attachments: GeneratedAttachment[];
}

const base64Cache = new WeakMap<Uint8Array, string>();

export function fileAttachment(
  name: string,
  contentType: string,
  bytes: Uint8Array,
  opts: { inline?: boolean; contentId?: string } = {},
): GeneratedAttachment {
  let contentBytes = base64Cache.get(bytes);
  if (contentBytes === undefined) {
    contentBytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    base64Cache.set(bytes, contentBytes);
  }
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    name,
    contentType,
    size: bytes.byteLength,
    isInline: opts.inline ?? false,
    ...(opts.contentId ? { contentId: opts.contentId } : {}),
    contentBytes,
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function textToHtml(text: string, extra = ''): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>\n${paragraphs}${extra}\n</body></html>`;
}

/** Graph sets hasAttachments only for attachments that are not inline. */
export function buildMessage(parts: MailParts): GeneratedMessage {
  const preview = parts.text.replace(/\s+/g, ' ').trim().slice(0, 255);
  return {
    subject: parts.subject,
    ...(parts.from ? { from: { emailAddress: { ...parts.from } }, sender: { emailAddress: { ...parts.from } } } : {}),
    toRecipients: [{ emailAddress: { name: parts.to.split('@')[0] ?? parts.to, address: parts.to } }],
    receivedDateTime: isoSeconds(parts.received),
    sentDateTime: isoSeconds(new Date(parts.received.getTime() - 7_000)),
    body:
      parts.html !== undefined
        ? { contentType: 'html', content: parts.html }
        : { contentType: 'text', content: parts.text },
    bodyPreview: preview,
    hasAttachments: parts.attachments.some((a) => !a.isInline),
    isRead: false,
    importance: 'normal',
    internetMessageId: parts.internetMessageId,
    attachments: parts.attachments,
  };
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
