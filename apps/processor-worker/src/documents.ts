import {
  AttachmentNotFoundError,
  AttachmentTooLargeError,
  type AttachmentStore,
  type GraphCaller,
  type ListedAttachment,
  type MailGraph,
} from '@ms1/shared';

export type LoadedDocument =
  | { attachment: ListedAttachment; bytes: Buffer; sha256: string; storageRef: string }
  | { attachment: ListedAttachment; problem: string };

/**
 * The bytes of a candidate attachment: from the attachment store when the sync put them there, else (or when the
 * store lost them) fetched from Graph once and stored. Oversized content is recorded as a problem, never loaded whole.
 */
export async function loadDocument(
  a: ListedAttachment,
  deps: { attachments: AttachmentStore; graph: MailGraph; caller: GraphCaller; messageId: string },
): Promise<LoadedDocument> {
  if (a.size > deps.attachments.maxBytes)
    return {
      attachment: a,
      problem: `${a.name}: ${a.size} bytes, over the ${deps.attachments.maxBytes}-byte attachment limit (not loaded)`,
    };
  if (a.storageRef && a.sha256) {
    try {
      return {
        attachment: a,
        bytes: await deps.attachments.get(a.storageRef),
        sha256: a.sha256,
        storageRef: a.storageRef,
      };
    } catch (err) {
      // The store lost it (or is not shared with the sync host): Graph still has the attachment.
      if (!(err instanceof AttachmentNotFoundError)) throw err;
    }
  }
  const bytes = await deps.graph.attachmentContent(deps.caller, deps.messageId, a.id);
  try {
    const stored = await deps.attachments.put(bytes);
    return { attachment: a, bytes, sha256: stored.sha256, storageRef: stored.storageRef };
  } catch (err) {
    if (err instanceof AttachmentTooLargeError) return { attachment: a, problem: `${a.name}: ${err.message}` };
    throw err;
  }
}
