import type { Readable } from 'node:stream';
import type { AttachmentStore, StoredObject } from './attachment-store';

/** Bytes that arrive in pieces: a Node stream or any async iterable of chunks. */
export type AttachmentSource = Readable | AsyncIterable<Uint8Array>;

/**
 * A store that also takes and gives big attachments as streams, never as one Buffer: `putStream` hashes while it
 * writes and files the bytes under their content address once the hash is known; `getStream` hands the bytes out
 * as they come. (The interface name may change when the streaming API of every driver is merged.)
 */
export interface StreamingAttachmentStore extends AttachmentStore {
  putStream(source: AttachmentSource): Promise<StoredObject>;
  getStream(storageRef: string): Promise<Readable>;
}
