import type { MailFolder } from '@microsoft/microsoft-graph-types';
import { GraphError } from '../util/errors';
import { MAIL_FOLDER_PROPERTIES } from './properties';

const CANONICAL = new Map(MAIL_FOLDER_PROPERTIES.map((p) => [p.toLowerCase(), p]));

function badRequest(message: string): GraphError {
  return new GraphError(400, 'BadRequest', message);
}

/** `$filter` on folders: `displayName eq 'X'` (or `ne`), case-insensitive as Exchange compares names. */
export function parseFolderFilter(raw: string | null): ((f: MailFolder) => boolean) | null {
  if (raw === null || raw.trim() === '') return null;
  const m = /^\s*displayName\s+(eq|ne)\s+'((?:[^']|'')*)'\s*$/i.exec(raw);
  if (!m)
    throw badRequest(`Invalid filter clause: only displayName eq|ne '...' is supported on mailFolders ('${raw}').`);
  const name = m[2].replace(/''/g, "'").toLowerCase();
  const eq = m[1].toLowerCase() === 'eq';
  return (f) => ((f.displayName ?? '').toLowerCase() === name) === eq;
}

/** `$select` on folders: canonical property names (id always), unknown names a 400 as in Graph. */
export function parseFolderSelect(raw: string | null): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  return raw.split(',').map((p) => {
    const canon = CANONICAL.get(p.trim().toLowerCase());
    if (!canon) throw badRequest(`Could not find a property named '${p.trim()}' on type 'microsoft.graph.mailFolder'.`);
    return canon;
  });
}

export function projectFolder(f: MailFolder, select: string[] | null): Record<string, unknown> {
  const all: Record<string, unknown> = { ...f };
  if (!select) return all;
  const out: Record<string, unknown> = { id: f.id };
  for (const p of select) if (p in all) out[p] = all[p];
  return out;
}
