/** A stored document: content-addressed, so the same bytes are stored once whatever their name. */
export interface StoredObject {
  sha256: string;
  /** Driver-neutral reference (`sha256/<hex>`), what jobs and MS4 items carry instead of bytes. */
  storageRef: string;
  size: number;
  /** True when the same bytes were already stored. */
  existed: boolean;
}

/** Where attachment bytes live. The local-directory driver is the default; an S3-compatible driver implements the same. */
export interface AttachmentStore {
  put(bytes: Buffer): Promise<StoredObject>;
  get(storageRef: string): Promise<Buffer>;
  has(storageRef: string): Promise<boolean>;
  readonly maxBytes: number;
}

export class AttachmentTooLargeError extends Error {
  override name = 'AttachmentTooLargeError';
  constructor(
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`attachment of ${size} bytes exceeds the ${maxBytes}-byte limit`);
  }
}

export class AttachmentNotFoundError extends Error {
  override name = 'AttachmentNotFoundError';
}

export function storageRefFor(sha256: string): string {
  return `sha256/${sha256}`;
}

/** Parses a reference and refuses anything that is not exactly `sha256/<64 hex>` (no path tricks). */
export function shaFromRef(storageRef: string): string {
  const m = /^sha256\/([0-9a-f]{64})$/.exec(storageRef);
  if (!m?.[1]) throw new Error(`not a storage reference: ${storageRef.slice(0, 80)}`);
  return m[1];
}
