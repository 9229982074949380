import { PassThrough } from 'node:stream';
import { AttachmentTooLargeError, type AttachmentStore, type StoredObject } from '../../storage/attachment-store';
import type { AttachmentContent } from '../types';

/** What the delta reader needs of the attachment store: a put of a small attachment, a streaming put of a big one. */
export type AttachmentSink = Pick<AttachmentStore, 'put' | 'putStream'>;

type Settled = { stored: StoredObject } | { error: unknown };

const BUFFER_BYTES = 512 * 1024;
/**
 * An attachment up to this size is held until it ends and stored in one `put`: a streamed put costs a stream and
 * a pipeline per attachment, and most attachments are invoices of tens of kilobytes.
 */
const HELD_BYTES = 256 * 1024;

/** The streamed put of an attachment past HELD_BYTES. */
interface Streaming {
  pipe: PassThrough;
  settled: Promise<Settled>;
}

/**
 * Feeds one attachment's decoded bytes, as the page parser finds them, into the store. The first HELD_BYTES are
 * held; an attachment that ends within them is stored in one `put`. A bigger one goes to the store's streaming put:
 * the parser pushes, the store pulls through a small buffer, and `backlog()` tells the parser when to wait for it.
 * When the store stops reading (over MAX_ATTACHMENT_BYTES), the rest is only counted, so the attachment's size is
 * still known.
 */
export class ContentWriter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private streaming: Streaming | null = null;
  private storeStopped = false;
  private bytes = 0;

  constructor(private readonly sink: AttachmentSink) {}

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.streaming === null) {
      if (this.heldBytes + chunk.length <= HELD_BYTES) {
        this.held.push(chunk);
        this.heldBytes += chunk.length;
        return;
      }
      this.streaming = this.startStreaming();
    }
    const { pipe } = this.streaming;
    if (!this.storeStopped && !pipe.destroyed) pipe.write(chunk);
  }

  /** A promise while the store is behind (resolved when it has caught up or stopped reading), else null. */
  backlog(): Promise<void> | null {
    if (this.streaming === null) return null;
    const { pipe } = this.streaming;
    if (this.storeStopped || pipe.destroyed || !pipe.writableNeedDrain) return null;
    return new Promise((resolve) => {
      const done = (): void => {
        pipe.off('drain', done);
        pipe.off('close', done);
        resolve();
      };
      pipe.on('drain', done);
      pipe.on('close', done);
    });
  }

  /** Ends the content; resolves with where it went. A store failure other than the size limit is thrown. */
  async end(): Promise<AttachmentContent> {
    const outcome = this.streaming === null ? await this.putHeld() : await this.endStreaming(this.streaming);
    if ('stored' in outcome) {
      const { sha256, storageRef, size } = outcome.stored;
      return { kind: 'stored', sha256, storageRef, size };
    }
    if (outcome.error instanceof AttachmentTooLargeError) return { kind: 'too-large', size: this.bytes };
    throw outcome.error;
  }

  /** The page failed: the store drops what it was writing. */
  abort(): void {
    this.held = [];
    this.streaming?.pipe.destroy(new Error('delta page aborted before this attachment ended'));
  }

  private startStreaming(): Streaming {
    const pipe = new PassThrough({ highWaterMark: BUFFER_BYTES });
    pipe.on('error', () => undefined); // the store's outcome carries the error
    const settled = this.sink.putStream(pipe).then(
      (stored): Settled => ({ stored }),
      (error: unknown): Settled => {
        this.storeStopped = true;
        pipe.destroy();
        return { error };
      },
    );
    for (const chunk of this.held) pipe.write(chunk);
    this.held = [];
    return { pipe, settled };
  }

  private async putHeld(): Promise<Settled> {
    const bytes = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    try {
      return { stored: await this.sink.put(bytes) };
    } catch (error) {
      return { error };
    }
  }

  private endStreaming({ pipe, settled }: Streaming): Promise<Settled> {
    if (!pipe.destroyed) pipe.end();
    return settled;
  }
}

/** Content MS1 does not keep (inline images, non-file attachments): only its decoded size is counted. */
export class ContentCounter {
  private bytes = 0;

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
  }

  backlog(): null {
    return null;
  }

  end(): Promise<AttachmentContent> {
    return Promise.resolve({ kind: 'discarded', size: this.bytes });
  }

  abort(): void {}
}
