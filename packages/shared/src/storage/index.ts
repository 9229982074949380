import type { StorageSettings } from '../config/config';
import type { AttachmentStore } from './attachment-store';
import { LocalDirectoryStore } from './local-directory-store';

export * from './attachment-store';
export { LocalDirectoryStore } from './local-directory-store';

/** The configured attachment store (the local-directory driver; an S3 driver would be chosen here). */
export function createAttachmentStore(storage: StorageSettings): AttachmentStore {
  return new LocalDirectoryStore(storage.attachmentDir, storage.maxAttachmentBytes);
}
