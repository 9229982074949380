/** Parses a subscription resource as Graph writes it: users/{id}/messages, users/{id}/mailFolders('inbox')/messages, /me/... */
export function parseResource(resource: string): { user: string; folder: string | null } | null {
  const r = resource.trim().replace(/^\//, '');
  const m = /^(?:users|Users)\/([^/]+)\/(?:messages|Messages)$/.exec(r) ?? /^(me)\/messages$/i.exec(r);
  if (m) return { user: decodeURIComponent(m[1].replace(/^\('?|'?\)$/g, '')), folder: null };
  const f =
    /^(?:users|Users)\/([^/]+)\/mailFolders(?:\('([^']+)'\)|\/([^/]+))\/messages$/i.exec(r) ??
    /^(me)\/mailFolders(?:\('([^']+)'\)|\/([^/]+))\/messages$/i.exec(r);
  if (f) return { user: decodeURIComponent(f[1]), folder: decodeURIComponent(f[2] ?? f[3]) };
  return null;
}
