import { json, type GraphHandler, type HandlerInput } from '../graph/types';
import { PatchError } from '../state/patch';
import type { StoredAttachment, StoredMessage } from '../state/types';
import { GraphError } from '../util/errors';
import { folderOf, mailboxOf, notFound, pathFolder } from './folder-ref';
import { contextUrl, linkWith } from './links';
import { messageMime } from './mime';
import {
  checkFilterOrder,
  matches,
  parseExpand,
  parseFilter,
  parseIntParam,
  parseOrderBy,
  parseSelect,
  sortedBy,
} from './odata';
import { answerableByReceivedOrder, byReceivedOrder } from './received-order';
import { attachmentJson, messageId, messageJson } from './serialize';

const MAX_TOP = 1000;

/** The message of the path, by immutable or current default id, in the path's folder when one is named. */
function messageOf(input: HandlerInput): StoredMessage {
  const m = mailboxOf(input).find(input.params.m, input.view);
  const folder = pathFolder(input);
  if (!m || (folder && m.data.parentFolderId !== folder.id)) throw notFound();
  return m;
}

function entityContext(input: HandlerInput): string {
  return contextUrl(input.req, `users('${mailboxOf(input).id}')/messages/$entity`);
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
  const folderId = pathFolder(input)?.id;
  const sortBy = order.length > 0 ? order : [{ prop: 'receivedDateTime', desc: true }];
  const items = answerableByReceivedOrder(filter, sortBy)
    ? byReceivedOrder(mb, folderId, filter, sortBy[0]?.desc ?? true)
    : sortedBy(
        mb.list(folderId).filter((m) => matches(m.data, filter)),
        (m) => m.data,
        sortBy,
      );
  const page = items.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(input.req, `users('${mb.id}')/messages${select ? `(${select.join(',')})` : ''}`),
    value: page.map((m) => messageJson(m, select, expand, input.view)),
  };
  if (skip + top < items.length)
    body['@odata.nextLink'] = linkWith(input.req, { $skip: String(skip + top), $top: String(top) });
  return json(200, body);
};

export const getMessage: GraphHandler = (input) => {
  const m = messageOf(input);
  const q = input.req.query;
  const body = messageJson(m, parseSelect(q.get('$select')), parseExpand(q.get('$expand')), input.view);
  return json(200, { '@odata.context': entityContext(input), ...body });
};

/** GET .../messages/{id}/$value: the MIME content, written as it is encoded. */
export const getMessageValue: GraphHandler = (input) => {
  const m = messageOf(input);
  return { status: 200, headers: { 'content-type': 'text/plain' }, raw: messageMime(m) };
};

export const patchMessage: GraphHandler = (input) => {
  const m = messageOf(input);
  const body = input.req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  try {
    mailboxOf(input).update(m, { ...body });
  } catch (e) {
    if (e instanceof PatchError) throw new GraphError(400, 'ErrorInvalidPropertyUpdateSentMessage', e.message);
    throw e;
  }
  return json(200, { '@odata.context': entityContext(input), ...messageJson(m, null, false, input.view) });
};

export const deleteMessage: GraphHandler = (input) => {
  mailboxOf(input).remove(messageOf(input));
  return { status: 204, headers: {} };
};

/** POST .../messages/{id}/move { destinationId }: 201 with the moved message (its new default id, or its immutable id). */
export const moveMessage: GraphHandler = (input) => {
  const m = messageOf(input);
  const mb = mailboxOf(input);
  const body = input.req.body as { destinationId?: unknown } | null;
  const dest = typeof body?.destinationId === 'string' ? body.destinationId : '';
  if (!dest) throw new GraphError(400, 'ErrorInvalidRequest', "The parameter 'destinationId' is required.");
  mb.move(m, folderOf(mb, dest));
  return json(201, { '@odata.context': entityContext(input), ...messageJson(m, null, false, input.view) });
};

export const listAttachments: GraphHandler = (input) => {
  const m = messageOf(input);
  const rawSelect = input.req.query.get('$select');
  const select = rawSelect ? rawSelect.split(',').map((s) => s.trim()) : null;
  const withContent = !select || select.includes('contentBytes');
  const id = messageId(m, input.view);
  return json(200, {
    '@odata.context': contextUrl(input.req, `users('${mailboxOf(input).id}')/messages('${id}')/attachments`),
    value: m.attachments.map((a) => attachmentJson(a, withContent, select)),
  });
};

function attachmentOf(input: HandlerInput): { m: StoredMessage; a: StoredAttachment } {
  const m = messageOf(input);
  const a = m.attachments.find((x) => x.meta.id === input.params.a);
  if (!a) throw notFound();
  return { m, a };
}

export const getAttachment: GraphHandler = (input) => {
  const { m, a } = attachmentOf(input);
  const id = messageId(m, input.view);
  return json(200, {
    '@odata.context': contextUrl(input.req, `users('${mailboxOf(input).id}')/messages('${id}')/attachments/$entity`),
    ...attachmentJson(a),
  });
};

export const getAttachmentValue: GraphHandler = (input) => {
  const { a } = attachmentOf(input);
  return { status: 200, headers: { 'content-type': a.meta.contentType ?? 'application/octet-stream' }, raw: a.content };
};
