import { Base64Value } from '../content/json-bytes';
import type { IdView, StoredAttachment, StoredMessage } from '../state/types';

/** Graph JSON of a projected resource: only Graph v1.0 property names and OData annotations. */
export type ResourceJson = Record<string, unknown>;

/** The id a client sees: the immutable id when it asked for immutable ids, else the current default id. */
export function messageId(m: StoredMessage, view: IdView): string {
  return view === 'immutable' ? m.key : m.restId;
}

/** Attachment JSON as Graph returns it; contentBytes is streamed from the stored bytes when the answer is sent. */
export function attachmentJson(a: StoredAttachment, withContent = true, select?: string[] | null): ResourceJson {
  const { '@odata.type': type, ...meta } = a.meta;
  const full: ResourceJson = {
    '@odata.type': type,
    '@odata.mediaContentType': a.meta.contentType ?? 'application/octet-stream',
    ...meta,
  };
  if (withContent) full.contentBytes = new Base64Value(a.content);
  if (!select) return full;
  const out: ResourceJson = { '@odata.type': type, id: a.meta.id };
  for (const p of select) if (p in full) out[p] = full[p];
  return out;
}

/** Message JSON: '@odata.etag', id, then the selected (or all) properties; attachments when expanded. */
export function messageJson(
  m: StoredMessage,
  select: string[] | null,
  expandAttachments: boolean,
  view: IdView,
): ResourceJson {
  const out: ResourceJson = { '@odata.etag': `W/"${m.data.changeKey ?? ''}"`, id: messageId(m, view) };
  const src: ResourceJson = { ...m.data };
  if (select) {
    for (const p of select) if (p !== 'attachments' && p !== 'id' && p in src) out[p] = src[p];
  } else {
    for (const [k, v] of Object.entries(src)) if (k !== 'id') out[k] = v;
  }
  if (expandAttachments) out.attachments = m.attachments.map((a) => attachmentJson(a));
  return out;
}
