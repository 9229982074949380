import type { Readable } from 'node:stream';
import type { AttachmentStore } from './attachment-store';

/**
 * A store that also hands big attachments out as a stream, never as one Buffer (`getStream`): the S3 driver, whose
 * readers may sit on another host. Every store takes them in as a stream (`AttachmentStore.putStream`).
 */
export interface StreamingAttachmentStore extends AttachmentStore {
  getStream(storageRef: string): Promise<Readable>;
}
