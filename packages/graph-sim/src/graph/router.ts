import type { SimContext } from '../context';
import { deltaHandler } from '../delta/handler';
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
    r('PATCH', `${prefix}/messages/:m`, 'messageUpdate', mail.patchMessage),
    r('DELETE', `${prefix}/messages/:m`, 'messageUpdate', mail.deleteMessage),
    r('POST', `${prefix}/messages/:m/move`, 'move', mail.moveMessage),
    r('GET', `${prefix}/messages/:m/attachments`, 'attachments', mail.listAttachments),
    r('GET', `${prefix}/messages/:m/attachments/:a`, 'attachment', mail.getAttachment),
    r('GET', `${prefix}/messages/:m/attachments/:a/$value`, 'attachmentValue', mail.getAttachmentValue),
  ];
  return [
    r('GET', 'users/:u', 'user', mail.getUser),
    r('GET', 'users/:u/mailFolders', 'mailFolders', mail.listFolders),
    r('GET', 'users/:u/mailFolders/:f', 'mailFolders', mail.getFolder),
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

export class Router {
  private readonly table: Route[];

  constructor(ctx: SimContext) {
    this.table = routes(ctx);
  }

  match(method: string, segs: string[]): RouteMatch | null {
    for (const route of this.table) {
      if (route.method !== method || route.pattern.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const p = route.pattern[i];
        if (p.startsWith(':')) params[p.slice(1)] = segs[i];
        else ok = p.toLowerCase() === segs[i].toLowerCase();
      }
      if (ok) return { kind: route.kind, handler: route.handler, params };
    }
    return null;
  }
}
