import type { GraphCaller, MailGraph, RedisConnection } from '@ms1/shared';
import { canonicalPath, isWellKnown, pathParts } from '../rules/folder-path';

/** A resolved folder id is trusted this long before it is looked up again (a renamed folder is found again). */
const ID_TTL_S = 3600;

/**
 * Folder paths of the mail rules (`inbox/Suppliers`: display names from the mailbox root, the first part possibly a
 * well-known name) to the ids Graph addresses folders by. Resolved ids are cached in Redis for every replica; a
 * lookup costs one request per path part that is not cached.
 */
export class FolderResolver {
  constructor(
    private readonly graph: MailGraph,
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
  ) {}

  private key(mailbox: string, path: string): string {
    return `${this.keyPrefix}:folder-id:${mailbox.toLowerCase()}:${canonicalPath(path).toLowerCase()}`;
  }

  /** The folder's id (a well-known name stands for itself), or null when it does not exist and `create` is off. */
  async resolve(caller: GraphCaller, path: string, opts: { create?: boolean } = {}): Promise<string | null> {
    const parts = pathParts(path);
    const [first] = parts;
    if (first === undefined || first === '') return null;
    if (parts.length === 1 && isWellKnown(first)) return first.toLowerCase();
    const cached = await this.redis.get(this.key(caller.mailboxId, path));
    if (cached) return cached;
    let parentId = isWellKnown(first) ? first.toLowerCase() : 'msgfolderroot';
    const names = isWellKnown(first) ? parts.slice(1) : parts;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] ?? '';
      const sofar = (isWellKnown(first) ? [first, ...names.slice(0, i + 1)] : names.slice(0, i + 1)).join('/');
      const known = await this.redis.get(this.key(caller.mailboxId, sofar));
      if (known) {
        parentId = known;
        continue;
      }
      const found =
        (await this.graph.findChildFolder(caller, parentId, name)) ??
        (opts.create ? await this.graph.createChildFolder(caller, parentId, name) : null);
      if (!found) return null;
      await this.remember(caller.mailboxId, sofar, found.id);
      parentId = found.id;
    }
    return parentId;
  }

  /** Records a folder id learned otherwise (a child folder listing). */
  async remember(mailbox: string, path: string, id: string): Promise<void> {
    await this.redis.set(this.key(mailbox, path), id, 'EX', ID_TTL_S);
  }

  /** Forgets a path's id (the folder was deleted or renamed: Graph answered 404). */
  async forget(mailbox: string, path: string): Promise<void> {
    await this.redis.del(this.key(mailbox, path));
  }

  /**
   * The paths of the folders directly below one (one request), their ids remembered. A child whose display name
   * holds a `/` cannot be named by a path and is left out.
   */
  async children(caller: GraphCaller, path: string, folderId: string): Promise<string[]> {
    const paths: string[] = [];
    for (const child of await this.graph.childFolders(caller, folderId)) {
      const name = child.displayName ?? '';
      if (name === '' || name.includes('/')) continue;
      const childPath = `${canonicalPath(path)}/${name}`;
      await this.remember(caller.mailboxId, childPath, child.id);
      paths.push(childPath);
    }
    return paths;
  }
}
