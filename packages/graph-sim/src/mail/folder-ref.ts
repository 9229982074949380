import type { HandlerInput } from '../graph/types';
import type { Mailbox } from '../state/mailbox';
import type { StoredFolder } from '../state/types';
import { GraphError } from '../util/errors';

export function notFound(): GraphError {
  return new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

export function mailboxOf(input: HandlerInput): Mailbox {
  if (!input.mailbox) throw new GraphError(404, 'ErrorInvalidUser', 'The requested user is invalid.');
  return input.mailbox;
}

/**
 * The folder a path names: `mailFolders/{ref}` (an id or a well-known name), checking the ancestors given by
 * `mailFolders/{a}/childFolders/{b}/...` (the router's `fchain`).
 */
export function folderOf(mb: Mailbox, ref: string, chain?: string): StoredFolder {
  const f = mb.folder(ref);
  if (!f) throw notFound();
  let child = f;
  for (const parentRef of (chain ?? '').split('/').filter(Boolean).reverse()) {
    const parent = mb.folder(parentRef);
    if (!parent || child.data.parentFolderId !== parent.id) throw notFound();
    child = parent;
  }
  return f;
}

/** The folder of the request path, or undefined for mailbox-wide paths (`/users/{id}/messages`). */
export function pathFolder(input: HandlerInput): StoredFolder | undefined {
  return input.params.f === undefined ? undefined : folderOf(mailboxOf(input), input.params.f, input.params.fchain);
}

/** The folder of a route that always names one. */
export function routeFolder(input: HandlerInput): StoredFolder {
  const f = pathFolder(input);
  if (!f) throw notFound();
  return f;
}
