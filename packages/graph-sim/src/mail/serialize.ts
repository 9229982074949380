import type { FileAttachment, Message } from '@microsoft/microsoft-graph-types';
import type { StoredAttachment, StoredMessage } from '../state/types';

export type MessageJson = Message & { '@odata.etag'?: string; '@odata.type'?: string };
export type AttachmentJson = FileAttachment & { '@odata.type': string; '@odata.mediaContentType'?: string };

/** Attachment JSON as Graph returns it; contentBytes is encoded from the stored bytes when asked. */
export function attachmentJson(a: StoredAttachment, withContent = true, select?: string[] | null): AttachmentJson {
  const { '@odata.type': type, ...rest } = a.meta;
  const full: AttachmentJson = {
    '@odata.type': type,
    '@odata.mediaContentType': a.meta.contentType ?? 'application/octet-stream',
    ...rest,
  };
  if (withContent) full.contentBytes = a.bytes.toString('base64');
  if (!select) return full;
  const out: AttachmentJson = { '@odata.type': full['@odata.type'], id: full.id };
  const src = full as unknown as Record<string, unknown>;
  const dst = out as unknown as Record<string, unknown>;
  for (const p of select) if (p in src) dst[p] = src[p];
  return out;
}

/** Message JSON: '@odata.etag', id, then the selected (or all) properties; attachments when expanded. */
export function messageJson(m: StoredMessage, select: string[] | null, expandAttachments: boolean): MessageJson {
  const out: MessageJson = { '@odata.etag': `W/"${m.data.changeKey ?? ''}"`, id: m.data.id };
  const src = m.data as unknown as Record<string, unknown>;
  const dst = out as unknown as Record<string, unknown>;
  if (select) {
    for (const p of select) if (p !== 'attachments' && p in src) dst[p] = src[p];
  } else {
    for (const [k, v] of Object.entries(src)) dst[k] = v;
  }
  if (expandAttachments) out.attachments = m.attachments.map((a) => attachmentJson(a));
  return out;
}
