import type { MailFolder } from '@microsoft/microsoft-graph-types';
import { json, type GraphHandler, type HandlerInput } from '../graph/types';
import type { Mailbox } from '../state/mailbox';
import type { StoredFolder, StoredMessage } from '../state/types';
import { GraphError } from '../util/errors';
import { contextUrl, linkWith } from './links';
import {
  checkFilterOrder,
  matches,
  parseExpand,
  parseFilter,
  parseIntParam,
  parseOrderBy,
  parseSelect,
  sorter,
} from './odata';
import { attachmentJson, messageJson } from './serialize';

const MAX_TOP = 1000;

function mailboxOf(input: HandlerInput): Mailbox {
  if (!input.mailbox) throw new GraphError(404, 'ErrorInvalidUser', 'The requested user is invalid.');
  return input.mailbox;
}

export function folderOf(mb: Mailbox, ref: string): StoredFolder {
  const f = mb.folder(ref);
  if (!f) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  return f;
}

function messageOf(input: HandlerInput): StoredMessage {
  const mb = mailboxOf(input);
  const m = mb.messages.get(input.params.m);
  if (!m || (input.params.f && m.data.parentFolderId !== folderOf(mb, input.params.f).id)) {
    throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  }
  return m;
}

function folderJson(mb: Mailbox, f: StoredFolder): MailFolder {
  const counts = mb.folderCounts(f.id);
  return { ...f.data, totalItemCount: counts.total, unreadItemCount: counts.unread };
}

export const getUser: GraphHandler = (input) => {
  const mb = mailboxOf(input);
  return json(200, {
    '@odata.context': contextUrl(input.req, 'users/$entity'),
    id: mb.id,
    displayName: mb.displayName,
    mail: mb.address,
    userPrincipalName: mb.address,
  });
};

export const listFolders: GraphHandler = (input) => {
  const mb = mailboxOf(input);
  return json(200, {
    '@odata.context': contextUrl(input.req, `users('${mb.id}')/mailFolders`),
    value: [...mb.folders.values()].map((f) => folderJson(mb, f)),
  });
};

export const getFolder: GraphHandler = (input) => {
  const mb = mailboxOf(input);
  const f = folderOf(mb, input.params.f);
  return json(200, {
    '@odata.context': contextUrl(input.req, `users('${mb.id}')/mailFolders/$entity`),
    ...folderJson(mb, f),
  });
};

/** GET /users/{id}/messages and /users/{id}/mailFolders/{f}/messages. */
export const listMessages: GraphHandler = (input) => {
  const mb = mailboxOf(input);
  const q = input.req.query;
  const select = parseSelect(q.get('$select'));
  const expand = parseExpand(q.get('$expand'));
  const filter = parseFilter(q.get('$filter'));
  const order = parseOrderBy(q.get('$orderby'));
  checkFilterOrder(filter, order);
  const top = Math.min(parseIntParam(q.get('$top'), '$top', 10), MAX_TOP);
  const skip = parseIntParam(q.get('$skip'), '$skip', 0);
  const folderId = input.params.f ? folderOf(mb, input.params.f).id : undefined;
  let items = mb.list(folderId).filter((m) => matches(m.data, filter));
  const sortBy = order.length > 0 ? order : [{ prop: 'receivedDateTime', desc: true }];
  const cmp = sorter(sortBy);
  items = items.sort((a, b) => cmp(a.data, b.data));
  const page = items.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(input.req, `users('${mb.id}')/messages${select ? `(${select.join(',')})` : ''}`),
    value: page.map((m) => messageJson(m, select, expand)),
  };
  if (skip + top < items.length)
    body['@odata.nextLink'] = linkWith(input.req, { $skip: String(skip + top), $top: String(top) });
  return json(200, body);
};

export const getMessage: GraphHandler = (input) => {
  const m = messageOf(input);
  const q = input.req.query;
  const body = messageJson(m, parseSelect(q.get('$select')), parseExpand(q.get('$expand')));
  return json(200, {
    '@odata.context': contextUrl(input.req, `users('${mailboxOf(input).id}')/messages/$entity`),
    ...body,
  });
};

export const patchMessage: GraphHandler = (input) => {
  const m = messageOf(input);
  const body = input.req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  const res = mailboxOf(input).update(m.data.id ?? '', body as Record<string, unknown>);
  if (typeof res === 'string') throw new GraphError(400, 'ErrorInvalidPropertyUpdateSentMessage', res);
  return json(200, {
    '@odata.context': contextUrl(input.req, `users('${mailboxOf(input).id}')/messages/$entity`),
    ...messageJson(res, null, false),
  });
};

export const deleteMessage: GraphHandler = (input) => {
  const m = messageOf(input);
  mailboxOf(input).remove(m.data.id ?? '');
  return { status: 204, headers: {} };
};

export const moveMessage: GraphHandler = (input) => {
  const m = messageOf(input);
  const mb = mailboxOf(input);
  const body = input.req.body as { destinationId?: unknown } | null;
  const dest = typeof body?.destinationId === 'string' ? body.destinationId : '';
  if (!dest) throw new GraphError(400, 'ErrorInvalidRequest', "The parameter 'destinationId' is required.");
  const immutable = /IdType\s*=\s*"?ImmutableId/i.test(input.req.headers.prefer ?? '');
  const moved = mb.move(m.data.id ?? '', folderOf(mb, dest).id, immutable);
  if (!moved) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  return json(201, {
    '@odata.context': contextUrl(input.req, `users('${mb.id}')/messages/$entity`),
    ...messageJson(moved, null, false),
  });
};

export const listAttachments: GraphHandler = (input) => {
  const m = messageOf(input);
  const rawSelect = input.req.query.get('$select');
  const select = rawSelect ? rawSelect.split(',').map((s) => s.trim()) : null;
  const withContent = !select || select.includes('contentBytes');
  return json(200, {
    '@odata.context': contextUrl(input.req, `users('${mailboxOf(input).id}')/messages('${m.data.id}')/attachments`),
    value: m.attachments.map((a) => attachmentJson(a, withContent, select)),
  });
};

function attachmentOf(input: HandlerInput) {
  const m = messageOf(input);
  const a = m.attachments.find((x) => x.meta.id === input.params.a);
  if (!a) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  return { m, a };
}

export const getAttachment: GraphHandler = (input) => {
  const { m, a } = attachmentOf(input);
  return json(200, {
    '@odata.context': contextUrl(
      input.req,
      `users('${mailboxOf(input).id}')/messages('${m.data.id}')/attachments/$entity`,
    ),
    ...attachmentJson(a),
  });
};

export const getAttachmentValue: GraphHandler = (input) => {
  const { a } = attachmentOf(input);
  return { status: 200, headers: { 'content-type': a.meta.contentType ?? 'application/octet-stream' }, raw: a.bytes };
};
