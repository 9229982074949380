import type { Config } from '../config/config';
import type { AttachmentStore } from './attachment-store';
import { LocalDirectoryStore } from './local-directory-store';
import { S3AttachmentStore } from './s3-store';

export * from './attachment-store';
export { LocalDirectoryStore } from './local-directory-store';
export { S3AttachmentStore, S3_TEMP_PREFIX } from './s3-store';
export { AttachmentStoreRefusedError, toStoreError } from './s3-errors';
export type { AttachmentSource, StreamingAttachmentStore } from './streaming-store';

/** The configured attachment store: a local directory (default) or an S3-compatible bucket (ATTACHMENT_STORE=s3). */
export function createAttachmentStore(storage: Config['storage']): AttachmentStore {
  if (storage.driver === 's3' && storage.s3) return new S3AttachmentStore(storage.s3, storage.maxAttachmentBytes);
  return new LocalDirectoryStore(storage.attachmentDir, storage.maxAttachmentBytes);
}
