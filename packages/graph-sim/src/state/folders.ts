import type { MailFolder } from '@microsoft/microsoft-graph-types';
import { exchangeId } from '../util/ids';
import type { StoredFolder } from './types';

/** Well-known folders created in every mailbox, directly under the root (msgfolderroot). */
const WELL_KNOWN: [string, string][] = [
  ['archive', 'Archive'],
  ['conversationhistory', 'Conversation History'],
  ['deleteditems', 'Deleted Items'],
  ['drafts', 'Drafts'],
  ['inbox', 'Inbox'],
  ['junkemail', 'Junk Email'],
  ['outbox', 'Outbox'],
  ['sentitems', 'Sent Items'],
];
const ROOT = 'msgfolderroot';

export class FolderExistsError extends Error {}

function sameName(a: string | null | undefined, b: string): boolean {
  return (a ?? '').toLowerCase() === b.toLowerCase();
}

/** The folder tree of one mailbox: the root, the well-known folders under it, and folders users create. */
export class FolderTree {
  readonly root: StoredFolder;
  private readonly byId = new Map<string, StoredFolder>();

  constructor() {
    this.root = this.add(exchangeId('AAMkAGRoot'), 'Top of Information Store', exchangeId('AAMkAGNonIpm'), ROOT);
    for (const [wk, name] of WELL_KNOWN) this.add(exchangeId('AAMkAGFolder'), name, this.root.id, wk);
  }

  /** A folder by id or well-known name (case-insensitive), as Graph resolves `mailFolders/{ref}`. */
  get(ref: string): StoredFolder | undefined {
    const byId = this.byId.get(ref);
    if (byId) return byId;
    const lower = ref.toLowerCase();
    for (const f of this.byId.values()) if (f.wellKnownName === lower) return f;
    return undefined;
  }

  all(): StoredFolder[] {
    return [...this.byId.values()];
  }

  /** Child folders, ordered by display name as Graph lists them. */
  children(parentId: string): StoredFolder[] {
    return this.all()
      .filter((f) => f.data.parentFolderId === parentId)
      .sort((a, b) =>
        (a.data.displayName ?? '').localeCompare(b.data.displayName ?? '', 'en', { sensitivity: 'base' }),
      );
  }

  /** Creates a child folder; a sibling with the same name (case-insensitive) is a FolderExistsError. */
  create(parentId: string, displayName: string, isHidden = false): StoredFolder {
    if (this.children(parentId).some((f) => sameName(f.data.displayName, displayName)))
      throw new FolderExistsError('A folder with the specified name already exists.');
    return this.add(exchangeId('AAMkAGFolder'), displayName, parentId, null, isHidden);
  }

  /**
   * A `/`-separated display-name path from the mailbox root, the first part possibly a well-known name
   * ("inbox/Suppliers"); missing folders are created when `create` is set. Returns undefined when not found.
   */
  byPath(path: string, create: boolean): StoredFolder | undefined {
    const parts = path.split('/').map((p) => p.trim());
    if (parts.length === 0 || parts.some((p) => p === '')) return undefined;
    const top =
      this.children(this.root.id).find((f) => f.wellKnownName === parts[0].toLowerCase()) ??
      (parts[0].toLowerCase() === ROOT ? this.root : undefined);
    let current: StoredFolder | undefined = this.root;
    let rest = parts;
    if (top) {
      current = top;
      rest = parts.slice(1);
    }
    for (const name of rest) {
      const parent: StoredFolder = current;
      current = this.children(parent.id).find((f) => sameName(f.data.displayName, name));
      if (!current) {
        if (!create) return undefined;
        current = this.create(parent.id, name);
      }
    }
    return current === this.root ? undefined : current;
  }

  /** The path byPath reads: well-known folders by their well-known name, others by display name. */
  pathOf(folderId: string): string {
    const names: string[] = [];
    for (let f = this.byId.get(folderId); f && f !== this.root; f = this.byId.get(f.data.parentFolderId ?? ''))
      names.unshift(f.wellKnownName ?? f.data.displayName ?? f.id);
    return names.join('/');
  }

  childCount(folderId: string): number {
    let n = 0;
    for (const f of this.byId.values()) if (f.data.parentFolderId === folderId) n++;
    return n;
  }

  private add(id: string, displayName: string, parentId: string, wk: string | null, isHidden = false): StoredFolder {
    const data: MailFolder = {
      id,
      displayName,
      parentFolderId: parentId,
      childFolderCount: 0,
      unreadItemCount: 0,
      totalItemCount: 0,
      isHidden,
    };
    const f: StoredFolder = { id, data, wellKnownName: wk };
    this.byId.set(id, f);
    return f;
  }
}
