import type { Request, Response } from 'express';
import type { SimContext } from '../../context';
import type { Mailbox } from '../../state/mailbox';
import type { StoredFolder } from '../../state/types';
import { InjectBodyError, MessageTooLargeError } from './limits';
import { injectRequestOf } from './message-input';
import { readInjectBody } from './read-body';

function folderFor(mb: Mailbox, path: string | undefined, query: unknown): StoredFolder | string {
  if (path !== undefined) return mb.folders.byPath(path, true) ?? `folder '${path}' is not a folder path`;
  if (typeof query !== 'string' || query === '') return mb.inbox();
  return mb.folder(query) ?? mb.folders.byPath(query, false) ?? `unknown folder '${query}'`;
}

/** Drains what the client still sends, so that it reads the error instead of a reset connection. */
async function drain(req: Request): Promise<void> {
  if (req.readableEnded || req.destroyed) return;
  await new Promise<void>((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.resume();
  });
}

/**
 * POST /_sim/users/{mailbox}/messages: one message of up to 150 MB (Graph JSON, attachments as fileAttachment with
 * base64 contentBytes; `"folder": "inbox/Suppliers"` in the body, or `?folder=` an id or well-known name). 201 with
 * its id, the immutable id; 400 naming the field; 413 over Graph's limit.
 */
export function injectRoute(ctx: SimContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const address = typeof req.params.mailbox === 'string' ? req.params.mailbox : '';
    try {
      const body = await readInjectBody(req, ctx.store.content);
      const input = injectRequestOf(body.root, body.contents);
      const mb = ctx.store.getOrCreate(address);
      const folder = folderFor(mb, input.folder, req.query.folder);
      if (typeof folder === 'string') {
        res.status(400).json({ error: { code: 'BadRequest', message: folder } });
        return;
      }
      const m = mb.add(input.message, input.attachments, folder.id);
      res.status(201).json({ id: m.key, internetMessageId: m.data.internetMessageId, mailboxId: mb.id });
    } catch (e) {
      const status = e instanceof MessageTooLargeError ? 413 : e instanceof InjectBodyError ? 400 : 500;
      const code = status === 413 ? 'ErrorMessageSizeExceeded' : status === 400 ? 'BadRequest' : 'InternalError';
      await drain(req);
      res.status(status).json({ error: { code, message: e instanceof Error ? e.message : String(e) } });
    }
  };
}
