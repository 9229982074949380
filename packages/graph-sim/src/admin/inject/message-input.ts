import type { Message } from '@microsoft/microsoft-graph-types';
import { MemoryBytes, type ByteSource } from '../../content/byte-source';
import { isMessageProperty } from '../../mail/properties';
import type { NewAttachment } from '../../state/new-message';
import { isRecord } from '../../util/guards';
import { InjectBodyError } from './limits';

const FILE_ATTACHMENT = '#microsoft.graph.fileAttachment';
const EMPTY = new MemoryBytes(Buffer.alloc(0));

/** What an admin inject asks for: a message, its attachments (bytes stored), and the folder path, if any. */
export interface InjectRequest {
  message: Omit<Message, 'attachments'>;
  attachments: NewAttachment[];
  folder?: string;
}

function fail(field: string, what: string): never {
  throw new InjectBodyError(`${field} ${what}`);
}

function optionalString(o: Record<string, unknown>, key: string, field: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(field, 'must be a string');
  return v;
}

function checkRecipient(v: unknown, field: string): void {
  if (v === null) return;
  if (!isRecord(v) || !isRecord(v.emailAddress)) fail(field, 'must be { emailAddress: { name?, address } }');
  optionalString(v.emailAddress, 'address', `${field}.emailAddress.address`);
  optionalString(v.emailAddress, 'name', `${field}.emailAddress.name`);
}

function checkMessageJson(
  o: Record<string, unknown>,
): asserts o is Record<string, unknown> & Omit<Message, 'attachments'> {
  for (const k of Object.keys(o))
    if (!k.startsWith('@odata.') && !isMessageProperty(k)) fail(`'${k}'`, 'is not a property of a Graph message');
  for (const k of ['subject', 'receivedDateTime', 'sentDateTime', 'internetMessageId', 'bodyPreview'])
    optionalString(o, k, k);
  for (const k of ['isRead', 'hasAttachments', 'isDraft'])
    if (o[k] !== undefined && o[k] !== null && typeof o[k] !== 'boolean') fail(k, 'must be a Boolean');
  for (const k of ['receivedDateTime', 'sentDateTime'])
    if (typeof o[k] === 'string' && Number.isNaN(Date.parse(o[k]))) fail(k, 'must be an ISO-8601 date');
  if (o.categories !== undefined && (!Array.isArray(o.categories) || o.categories.some((c) => typeof c !== 'string')))
    fail('categories', 'must be an array of strings');
  if (o.body !== undefined && o.body !== null) {
    if (!isRecord(o.body)) fail('body', 'must be { contentType, content }');
    optionalString(o.body, 'content', 'body.content');
  }
  for (const k of ['from', 'sender']) if (o[k] !== undefined) checkRecipient(o[k], k);
  for (const k of ['toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo']) {
    const v = o[k];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v)) fail(k, 'must be an array of recipients');
    v.forEach((r, i) => checkRecipient(r, `${k}[${i}]`));
  }
}

function attachmentsOf(raw: unknown, contents: Map<number, ByteSource>): NewAttachment[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) fail('attachments', 'must be an array of fileAttachment objects');
  return raw.map((a: unknown, i): NewAttachment => {
    const field = `attachments[${i}]`;
    if (!isRecord(a)) fail(field, 'must be a fileAttachment object');
    const type = optionalString(a, '@odata.type', `${field}['@odata.type']`);
    if (type !== undefined && type !== FILE_ATTACHMENT) fail(`${field}['@odata.type']`, `must be ${FILE_ATTACHMENT}`);
    if (a.isInline !== undefined && a.isInline !== null && typeof a.isInline !== 'boolean')
      fail(`${field}.isInline`, 'must be a Boolean');
    return {
      meta: {
        name: optionalString(a, 'name', `${field}.name`),
        contentType: optionalString(a, 'contentType', `${field}.contentType`),
        isInline: a.isInline === true,
        contentId: optionalString(a, 'contentId', `${field}.contentId`) ?? null,
        contentLocation: optionalString(a, 'contentLocation', `${field}.contentLocation`) ?? null,
      },
      content: contents.get(i) ?? EMPTY,
    };
  });
}

/** Checks an assembled inject body and splits it into message, attachments and folder path. */
export function injectRequestOf(root: Record<string, unknown>, contents: Map<number, ByteSource>): InjectRequest {
  const { attachments, folder, ...message } = root;
  if (folder !== undefined && (typeof folder !== 'string' || folder.trim() === ''))
    fail('folder', "must be a '/'-separated folder path such as 'inbox/Suppliers'");
  checkMessageJson(message);
  return { message, attachments: attachmentsOf(attachments, contents), folder };
}
