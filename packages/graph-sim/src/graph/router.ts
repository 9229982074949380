import type { SimContext } from '../context';
import { deltaHandler } from '../delta/handler';
import * as folders from '../mail/folder-handlers';
import * as mail from '../mail/handlers';
import * as subs from '../subscriptions/handlers';
import type { EndpointKind, GraphHandler } from './types';

interface Route {
  method: string;
  pattern: string[];
  kind: EndpointKind;
  handler: GraphHandler;
}

export interface RouteMatch {
  kind: EndpointKind;
  handler: GraphHandler;
  params: Record<string, string>;
}

function routes(ctx: SimContext): Route[] {
  const r = (method: string, path: string, kind: EndpointKind, handler: GraphHandler): Route => ({
    method,
    pattern: path.split('/'),
    kind,
    handler,
  });
  const msgRoutes = (prefix: string): Route[] => [
    r('GET', `${prefix}/messages`, 'list', mail.listMessages),
    r('GET', `${prefix}/messages/delta`, 'delta', deltaHandler(ctx)),
    r('GET', `${prefix}/messages/:m`, 'message', mail.getMessage),
    r('GET', `${prefix}/messages/:m/$value`, 'messageValue', mail.getMessageValue),
    r('PATCH', `${prefix}/messages/:m`, 'messageUpdate', mail.patchMessage),
    r('DELETE', `${prefix}/messages/:m`, 'messageUpdate', mail.deleteMessage),
    r('POST', `${prefix}/messages/:m/move`, 'move', mail.moveMessage),
    r('GET', `${prefix}/messages/:m/attachments`, 'attachments', mail.listAttachments),
    r('GET', `${prefix}/messages/:m/attachments/:a`, 'attachment', mail.getAttachment),
    r('GET', `${prefix}/messages/:m/attachments/:a/$value`, 'attachmentValue', mail.getAttachmentValue),
  ];
  return [
    r('GET', 'users/:u', 'user', mail.getUser),
    r('GET', 'users/:u/mailFolders', 'mailFolders', folders.listTopFolders),
    r('POST', 'users/:u/mailFolders', 'folderCreate', folders.createTopFolder),
    r('GET', 'users/:u/mailFolders/:f', 'mailFolders', folders.getFolder),
    r('GET', 'users/:u/mailFolders/:f/childFolders', 'mailFolders', folders.listChildFolders),
    r('POST', 'users/:u/mailFolders/:f/childFolders', 'folderCreate', folders.createChildFolder),
    ...msgRoutes('users/:u'),
    ...msgRoutes('users/:u/mailFolders/:f'),
    r('POST', 'subscriptions', 'subscriptions', subs.createSubscription(ctx)),
    r('GET', 'subscriptions', 'subscriptions', subs.listSubscriptions(ctx)),
    r('GET', 'subscriptions/:s', 'subscriptions', subs.getSubscription(ctx)),
    r('PATCH', 'subscriptions/:s', 'subscriptions', subs.renewSubscription(ctx)),
    r('DELETE', 'subscriptions/:s', 'subscriptions', subs.deleteSubscription(ctx)),
  ];
}

/** Splits a Graph path into decoded segments; `mailFolders('inbox')` becomes `mailFolders/inbox`, `me` becomes `users/me`. */
export function segmentsOf(path: string): string[] {
  const segs: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    const m = /^([A-Za-z]+)\('([^']*)'\)$/.exec(raw) ?? /^([A-Za-z]+)\(([^)]*)\)$/.exec(raw);
    if (m) segs.push(m[1], safeDecode(m[2]));
    else segs.push(safeDecode(raw));
  }
  if (segs[0]?.toLowerCase() === 'me') segs.splice(0, 1, 'users', 'me');
  return segs;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * `mailFolders/{a}/childFolders/{b}[/childFolders/{c}]...` addresses folder {c} (any folder id works directly under
 * mailFolders too): the chain collapses to `mailFolders/{c}`, and the ancestors to check go to the `fchain` param.
 */
function collapseChildFolders(segs: string[]): { segs: string[]; chain: string[] } {
  const out = [...segs];
  const chain: string[] = [];
  for (let i = 3; i + 1 < out.length;) {
    if (out[i].toLowerCase() === 'childfolders' && out[i - 2].toLowerCase() === 'mailfolders') {
      chain.push(out[i - 1]);
      out.splice(i - 1, 2);
    } else i++;
  }
  return { segs: out, chain };
}

export class Router {
  private readonly table: Route[];

  constructor(ctx: SimContext) {
    this.table = routes(ctx);
  }

  match(method: string, rawSegs: string[]): RouteMatch | null {
    const { segs, chain } = collapseChildFolders(rawSegs);
    for (const route of this.table) {
      if (route.method !== method || route.pattern.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const p = route.pattern[i];
        if (p.startsWith(':')) params[p.slice(1)] = segs[i];
        else ok = p.toLowerCase() === segs[i].toLowerCase();
      }
      if (!ok) continue;
      if (chain.length > 0) params.fchain = chain.join('/');
      return { kind: route.kind, handler: route.handler, params };
    }
    return null;
  }
}
