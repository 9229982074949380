/** A stored document: content-addressed, so the same bytes are stored once whatever their name. */
export interface StoredObject {
  sha256: string;
  /** Driver-neutral reference (`sha256/<hex>`), what jobs and MS4 items carry instead of bytes. */
  storageRef: string;
  size: number;
  /** True when the same bytes were already stored. */
  existed: boolean;
}

/**
 * Bytes that arrive in pieces: a Node `Readable`, an async generator, anything async-iterable. Nothing is assumed about
 * the pieces' sizes; a driver must never gather them whole.
 */
export type ByteSource = AsyncIterable<Uint8Array>;

/** Where attachment bytes live. The local-directory driver is the default; an S3-compatible driver implements the same. */
export interface AttachmentStore {
  put(bytes: Buffer): Promise<StoredObject>;
  /**
   * Stores bytes as they arrive, hashing them on the way, with memory bounded by one piece whatever the total. Throws
   * AttachmentTooLargeError as soon as more than `maxBytes` have arrived, leaving nothing behind; the caller then
   * drains (or drops) the rest of its source itself.
   */
  putStream(source: ByteSource): Promise<StoredObject>;
  get(storageRef: string): Promise<Buffer>;
  has(storageRef: string): Promise<boolean>;
  readonly maxBytes: number;
}

export class AttachmentTooLargeError extends Error {
  override name = 'AttachmentTooLargeError';
  /** `size` is exact for `put`; for `putStream` it is the count when the limit was crossed (the total is larger). */
  constructor(
    readonly size: number,
    readonly maxBytes: number,
    streamed = false,
  ) {
    super(
      `attachment of ${streamed ? 'more than ' : ''}${streamed ? maxBytes : size} bytes exceeds the ${maxBytes}-byte limit`,
    );
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
