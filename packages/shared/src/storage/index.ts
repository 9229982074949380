import type { StorageSettings } from '../config/config';
import type { AttachmentStore } from './attachment-store';
import { LocalDirectoryStore } from './local-directory-store';
import type { S3Settings } from './s3-store';

export * from './attachment-store';
export { LocalDirectoryStore } from './local-directory-store';
// The S3 driver itself is not re-exported: importing it loads the AWS SDK (see createAttachmentStore).
export type { S3Settings } from './s3-store';
export { AttachmentStoreRefusedError, toStoreError } from './s3-errors';
export type { StreamingAttachmentStore } from './streaming-store';

/** The configured attachment store: a local directory (default) or an S3-compatible bucket (ATTACHMENT_STORE=s3). */
export function createAttachmentStore(storage: StorageSettings): AttachmentStore {
  if (storage.driver === 's3') {
    // Loaded only with ATTACHMENT_STORE=s3: the AWS SDK costs each app about 30 MB of resident memory and 90 ms of
    // start-up, and the apps on a local directory never use it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { S3AttachmentStore } = require('./s3-store') as typeof import('./s3-store');
    return new S3AttachmentStore(s3SettingsOf(storage.s3), storage.maxAttachmentBytes);
  }
  return new LocalDirectoryStore(storage.attachmentDir, storage.maxAttachmentBytes);
}

/** The bucket is required with ATTACHMENT_STORE=s3 (the configuration checked it); this narrows the type. */
function s3SettingsOf(s3: StorageSettings['s3']): S3Settings {
  if (s3.bucket === null) throw new Error('S3_BUCKET is required when ATTACHMENT_STORE=s3');
  return { ...s3, bucket: s3.bucket };
}
