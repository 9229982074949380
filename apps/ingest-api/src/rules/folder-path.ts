/**
 * Graph's well-known folder names (`mailFolders/{name}` works for each). The first part of a rule's folder path may
 * be one of them; any other part is a display name.
 */
export const WELL_KNOWN_FOLDERS = [
  'archive',
  'clutter',
  'conflicts',
  'conversationhistory',
  'deleteditems',
  'drafts',
  'inbox',
  'junkemail',
  'localfailures',
  'msgfolderroot',
  'outbox',
  'recoverableitemsdeletions',
  'scheduled',
  'searchfolders',
  'sentitems',
  'serverfailures',
  'syncissues',
] as const;

/** A folder path split in parts, trimmed; a leading or trailing `/` is ignored. */
export function pathParts(path: string): string[] {
  return path
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map((p) => p.trim());
}

export function isWellKnown(name: string): boolean {
  const lower = name.toLowerCase();
  return WELL_KNOWN_FOLDERS.some((w) => w === lower);
}

/**
 * The one spelling of a folder path used for keys and comparisons: parts trimmed, a well-known first part in lower
 * case, display names as written (Outlook compares them without case, and so does `samePath`).
 */
export function canonicalPath(path: string): string {
  const parts = pathParts(path);
  if (parts[0] !== undefined && isWellKnown(parts[0])) parts[0] = parts[0].toLowerCase();
  return parts.join('/');
}

export function samePath(a: string, b: string): boolean {
  return canonicalPath(a).toLowerCase() === canonicalPath(b).toLowerCase();
}

/** Whether `path` is `ancestor` itself or lies somewhere below it. */
export function isWithin(path: string, ancestor: string): boolean {
  const p = canonicalPath(path).toLowerCase();
  const a = canonicalPath(ancestor).toLowerCase();
  return p === a || p.startsWith(`${a}/`);
}
