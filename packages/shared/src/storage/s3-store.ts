import { createHash, randomUUID } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  AttachmentNotFoundError,
  AttachmentTooLargeError,
  shaFromRef,
  storageRefFor,
  type ByteSource,
  type StoredObject,
} from './attachment-store';
import { hashingMeter } from './hashing-meter';
import { toStoreError } from './s3-errors';
import type { StreamingAttachmentStore } from './streaming-store';

/** Where the bucket is; no key pair means the AWS SDK's default credential chain. */
export interface S3Settings {
  readonly endpoint: string | null;
  readonly region: string;
  readonly bucket: string;
  readonly accessKeyId: string | null;
  readonly secretAccessKey: string | null;
  readonly forcePathStyle: boolean;
}

/** Streaming uploads go here first, while their hash is unknown. A bucket lifecycle rule should expire `tmp/`. */
export const S3_TEMP_PREFIX = 'tmp/';
/** The smallest part S3 accepts; an upload holds at most (queue + 1) parts in memory. */
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * Attachments in an S3-compatible bucket under their content address, the storage reference itself
 * (`sha256/<hex>`), so processes on any host share them and the same bytes are stored once.
 *
 * Once: `put` asks HEAD first and writes only what is missing. Two writers racing on new bytes both write the same
 * bytes to the same key, which is harmless (S3 keeps one object), so no conditional PUT is needed (and not every
 * S3-compatible server honours `If-None-Match` on writes).
 *
 * Streaming put: the bytes go to a temporary key (`tmp/<uuid>`, multipart, a few parts in memory) while they are
 * hashed, then a server-side CopyObject files them under their address and the temporary object is deleted.
 * Chosen over hashing into a local temporary file first because the apps run with a read-only root file system
 * and no local state on any host; the price is one server-side copy per new big object, and a temporary object
 * left behind by a crash between upload and delete (expired by the `tmp/` lifecycle rule).
 */
export class S3AttachmentStore implements StreamingAttachmentStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private closed = false;

  constructor(
    settings: S3Settings,
    readonly maxBytes: number,
  ) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint ?? undefined,
      forcePathStyle: settings.forcePathStyle,
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
      // The SDK retries network errors, 5xx and throttling itself (3 attempts); what still fails becomes a
      // RetryableError and BullMQ's backoff takes over. Timeouts keep a dead endpoint from holding a job.
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    });
  }

  async put(bytes: Buffer): Promise<StoredObject> {
    if (bytes.length > this.maxBytes) throw new AttachmentTooLargeError(bytes.length, this.maxBytes);
    const digest = createHash('sha256').update(bytes).digest();
    const sha256 = digest.toString('hex');
    const storageRef = storageRefFor(sha256);
    if (await this.has(storageRef)) return { sha256, storageRef, size: bytes.length, existed: true };
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: storageRef,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: 'application/octet-stream',
          // S3 checks the bytes it received against the address we computed.
          ChecksumSHA256: digest.toString('base64'),
        }),
      );
    } catch (err) {
      throw toStoreError(err, 'PutObject', storageRef);
    }
    return { sha256, storageRef, size: bytes.length, existed: false };
  }

  async putStream(source: ByteSource): Promise<StoredObject> {
    const tempKey = `${S3_TEMP_PREFIX}${randomUUID()}`;
    const meter = hashingMeter(this.maxBytes);
    const input = source instanceof Readable ? source : Readable.from(source);
    // The source's own failure (a broken download) is its caller's error, not the store's: remembered to rethrow.
    let sourceError: unknown = null;
    input.once('error', (err) => {
      sourceError ??= err;
    });
    // Errors of either side end both; the upload below sees them as a failed read of its body.
    pipeline(input, meter.stream, () => undefined);
    try {
      await new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: tempKey, Body: meter.stream, ContentType: 'application/octet-stream' },
        partSize: PART_BYTES,
        queueSize: PARTS_IN_FLIGHT,
      }).done();
    } catch (err) {
      input.destroy();
      if (sourceError !== null) throw sourceError;
      throw toStoreError(err, 'upload', tempKey);
    }
    const sha256 = meter.digest();
    const size = meter.size();
    const storageRef = storageRefFor(sha256);
    try {
      const existed = await this.has(storageRef);
      if (!existed) {
        try {
          await this.client.send(
            new CopyObjectCommand({
              Bucket: this.bucket,
              Key: storageRef,
              CopySource: `${this.bucket}/${tempKey}`,
            }),
          );
        } catch (err) {
          throw toStoreError(err, 'CopyObject', storageRef);
        }
      }
      return { sha256, storageRef, size, existed };
    } finally {
      await this.deleteQuietly(tempKey);
    }
  }

  async get(storageRef: string): Promise<Buffer> {
    const body = await this.open(storageRef);
    try {
      return Buffer.from(await body.transformToByteArray());
    } catch (err) {
      throw toStoreError(err, 'GetObject', storageRef);
    }
  }

  async getStream(storageRef: string): Promise<Readable> {
    const body = await this.open(storageRef);
    const chunks = async function* (): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of body as AsyncIterable<Uint8Array>) yield chunk;
      } catch (err) {
        throw toStoreError(err, 'GetObject', storageRef);
      }
    };
    // Destroying the returned stream ends the generator, which closes the HTTP response under it.
    return Readable.from(chunks(), { objectMode: false });
  }

  async has(storageRef: string): Promise<boolean> {
    const key = keyOf(storageRef);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      const mapped = toStoreError(err, 'HeadObject', storageRef);
      if (mapped instanceof AttachmentNotFoundError) return false;
      throw mapped;
    }
  }

  /** Closes the client's sockets; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
  }

  private async open(storageRef: string) {
    const key = keyOf(storageRef);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!res.Body) throw new AttachmentNotFoundError(`no stored attachment ${storageRef}`);
      return res.Body;
    } catch (err) {
      throw toStoreError(err, 'GetObject', storageRef);
    }
  }

  private async deleteQuietly(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch {
      // Left for the bucket's tmp/ lifecycle rule: the attachment itself is safely stored (or the error is thrown).
    }
  }
}

/** The object key of a reference: the reference itself, once checked to be exactly `sha256/<64 hex>`. */
function keyOf(storageRef: string): string {
  return storageRefFor(shaFromRef(storageRef));
}
