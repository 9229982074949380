import type { MailFolder } from '@microsoft/microsoft-graph-types';
import { json, type GraphHandler, type HandlerInput } from '../graph/types';
import { FolderExistsError } from '../state/folders';
import type { Mailbox } from '../state/mailbox';
import type { StoredFolder } from '../state/types';
import { GraphError } from '../util/errors';
import { parseFolderFilter, parseFolderSelect, projectFolder } from './folder-query';
import { mailboxOf, routeFolder } from './folder-ref';
import { contextUrl, linkWith } from './links';
import { parseIntParam } from './odata';

/** Graph pages folder collections by 10 unless $top says otherwise. */
const DEFAULT_TOP = 10;
const MAX_TOP = 1000;

export function folderJson(mb: Mailbox, f: StoredFolder): MailFolder {
  const counts = mb.folderCounts(f.id);
  return {
    ...f.data,
    childFolderCount: mb.folders.childCount(f.id),
    totalItemCount: counts.total,
    unreadItemCount: counts.unread,
  };
}

function listOf(input: HandlerInput, parent: StoredFolder, context: string) {
  const mb = mailboxOf(input);
  const q = input.req.query;
  const filter = parseFolderFilter(q.get('$filter'));
  const select = parseFolderSelect(q.get('$select'));
  const top = Math.min(parseIntParam(q.get('$top'), '$top', DEFAULT_TOP), MAX_TOP);
  const skip = parseIntParam(q.get('$skip'), '$skip', 0);
  const hidden = q.get('includeHiddenFolders')?.toLowerCase() === 'true';
  const all = mb.folders
    .children(parent.id)
    .filter((f) => hidden || !f.data.isHidden)
    .map((f) => folderJson(mb, f))
    .filter((f) => !filter || filter(f));
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(input.req, context),
    value: all.slice(skip, skip + top).map((f) => projectFolder(f, select)),
  };
  if (skip + top < all.length)
    body['@odata.nextLink'] = linkWith(input.req, { $skip: String(skip + top), $top: String(top) });
  return json(200, body);
}

function create(input: HandlerInput, parent: StoredFolder, context: string) {
  const mb = mailboxOf(input);
  const b = input.req.body as { displayName?: unknown; isHidden?: unknown } | null;
  const name = typeof b?.displayName === 'string' ? b.displayName.trim() : '';
  if (!name) throw new GraphError(400, 'ErrorInvalidRequest', "The property 'displayName' is required.");
  if (name.includes('/')) throw new GraphError(400, 'ErrorInvalidRequest', "A folder's displayName cannot hold '/'.");
  try {
    const f = mb.folders.create(parent.id, name, b?.isHidden === true);
    return json(201, { '@odata.context': contextUrl(input.req, context), ...folderJson(mb, f) });
  } catch (e) {
    if (e instanceof FolderExistsError) throw new GraphError(409, 'ErrorFolderExists', e.message);
    throw e;
  }
}

/** GET /users/{id}/mailFolders: the folders directly under the root. */
export const listTopFolders: GraphHandler = (input) => {
  const mb = mailboxOf(input);
  return listOf(input, mb.folders.root, `users('${mb.id}')/mailFolders`);
};

export const createTopFolder: GraphHandler = (input) => {
  const mb = mailboxOf(input);
  return create(input, mb.folders.root, `users('${mb.id}')/mailFolders/$entity`);
};

export const getFolder: GraphHandler = (input) => {
  const mb = mailboxOf(input);
  const f = routeFolder(input);
  const select = parseFolderSelect(input.req.query.get('$select'));
  return json(200, {
    '@odata.context': contextUrl(input.req, `users('${mb.id}')/mailFolders/$entity`),
    ...projectFolder(folderJson(mb, f), select),
  });
};

export const listChildFolders: GraphHandler = (input) => {
  const mb = mailboxOf(input);
  const parent = routeFolder(input);
  return listOf(input, parent, `users('${mb.id}')/mailFolders('${parent.id}')/childFolders`);
};

export const createChildFolder: GraphHandler = (input) => {
  const mb = mailboxOf(input);
  const parent = routeFolder(input);
  return create(input, parent, `users('${mb.id}')/mailFolders('${parent.id}')/childFolders/$entity`);
};
