import { MemoryBytes, type ByteSource } from './byte-source';
import { Spool, SpooledBytes, type Extent } from './spool';

/** Attachments up to this size stay in memory; bigger ones go to the spool file. */
export const MEMORY_LIMIT = 256 * 1024;
/** A streaming writer hands the spool pieces of about this size. */
const WRITE_BATCH = 256 * 1024;

/** Stores attachment bytes: small ones as Buffers, big ones in the spool; never as strings. */
export class ContentStore {
  private constructor(
    private spool: Spool,
    private readonly dir: string | undefined,
  ) {}

  static async open(dir?: string): Promise<ContentStore> {
    return new ContentStore(await Spool.open(dir), dir);
  }

  get spooledBytes(): number {
    return this.spool.bytes;
  }

  /** Keeps bytes already in memory (small ones as they are, big ones copied to the spool). */
  put(bytes: Buffer): ByteSource {
    if (bytes.length <= MEMORY_LIMIT) return new MemoryBytes(bytes);
    return new SpooledBytes(this.spool, [this.spool.writeSync(bytes)]);
  }

  writer(): ContentWriter {
    return new ContentWriter(this.spool);
  }

  /** Drops everything stored (reset): a new spool takes over, the old one closes after its last reader. */
  async renew(): Promise<void> {
    const old = this.spool;
    this.spool = await Spool.open(this.dir);
    await old.retire();
  }

  async close(): Promise<void> {
    await this.spool.retire();
  }
}

/** Bytes arriving piece by piece: held in memory while small, moved to the spool once they grow past the limit. */
export class ContentWriter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private extents: Extent[] | null = null;
  private total = 0;

  constructor(private readonly spool: Spool) {}

  get size(): number {
    return this.total;
  }

  async write(data: Buffer): Promise<void> {
    if (data.length === 0) return;
    this.total += data.length;
    this.held.push(data);
    this.heldBytes += data.length;
    if (this.extents === null && this.heldBytes <= MEMORY_LIMIT) return;
    this.extents ??= [];
    if (this.heldBytes >= WRITE_BATCH) await this.flush();
  }

  async finish(): Promise<ByteSource> {
    if (this.extents === null) return new MemoryBytes(Buffer.concat(this.held));
    await this.flush();
    return new SpooledBytes(this.spool, this.extents);
  }

  private async flush(): Promise<void> {
    if (this.heldBytes === 0 || this.extents === null) return;
    const data = Buffer.concat(this.held);
    this.held = [];
    this.heldBytes = 0;
    const e = await this.spool.write(data);
    const last = this.extents[this.extents.length - 1];
    if (last && last.at + last.length === e.at) last.length += e.length;
    else this.extents.push(e);
  }
}
