import { PassThrough } from 'node:stream';
import { AttachmentTooLargeError, type AttachmentStore, type StoredObject } from '../../storage/attachment-store';
import type { AttachmentContent } from '../types';

/** What the delta reader needs of the attachment store: a streaming put (any driver). */
export type AttachmentSink = Pick<AttachmentStore, 'putStream'>;

type Settled = { stored: StoredObject } | { error: unknown };

const BUFFER_BYTES = 512 * 1024;

/**
 * Feeds one attachment's decoded bytes, as the page parser finds them, into the store's streaming put. The parser
 * pushes; the store pulls through a small buffer, and `backlog()` tells the parser when to wait for it. When the
 * store stops reading (over MAX_ATTACHMENT_BYTES), the rest is only counted, so the attachment's size is still known.
 */
export class ContentWriter {
  private readonly pipe = new PassThrough({ highWaterMark: BUFFER_BYTES });
  private readonly settled: Promise<Settled>;
  private storeStopped = false;
  private bytes = 0;

  constructor(sink: AttachmentSink) {
    this.pipe.on('error', () => undefined); // the store's outcome carries the error
    this.settled = sink.putStream(this.pipe).then(
      (stored): Settled => ({ stored }),
      (error: unknown): Settled => {
        this.storeStopped = true;
        this.pipe.destroy();
        return { error };
      },
    );
  }

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (!this.storeStopped && !this.pipe.destroyed) this.pipe.write(chunk);
  }

  /** A promise while the store is behind (resolved when it has caught up or stopped reading), else null. */
  backlog(): Promise<void> | null {
    if (this.storeStopped || this.pipe.destroyed || !this.pipe.writableNeedDrain) return null;
    return new Promise((resolve) => {
      const done = (): void => {
        this.pipe.off('drain', done);
        this.pipe.off('close', done);
        resolve();
      };
      this.pipe.on('drain', done);
      this.pipe.on('close', done);
    });
  }

  /** Ends the content; resolves with where it went. A store failure other than the size limit is thrown. */
  async end(): Promise<AttachmentContent> {
    if (!this.pipe.destroyed) this.pipe.end();
    const outcome = await this.settled;
    if ('stored' in outcome) {
      const { sha256, storageRef, size } = outcome.stored;
      return { kind: 'stored', sha256, storageRef, size };
    }
    if (outcome.error instanceof AttachmentTooLargeError) return { kind: 'too-large', size: this.bytes };
    throw outcome.error;
  }

  /** The page failed: the store drops what it was writing. */
  abort(): void {
    this.pipe.destroy(new Error('delta page aborted before this attachment ended'));
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
