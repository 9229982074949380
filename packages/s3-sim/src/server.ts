import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import S3rver from '@20minutes/s3rver';
import AWSAccount from '@20minutes/s3rver/lib/models/account';

export interface S3SimOptions {
  /** 0 (default): a free port. */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Bucket created before the server answers (default `ms1-attachments`). */
  bucket?: string;
  /** Region the clients sign for; the server accepts any (default `us-east-1`). */
  region?: string;
  /** Where objects are kept; default a fresh temporary folder, deleted by `stop()`. */
  directory?: string;
  /** Credentials the server accepts; default a fresh random pair per start. */
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** What a client needs to reach the simulator: the JSON line of `pnpm sim:s3`. */
export interface S3SimEndpoint {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3Sim extends S3SimEndpoint {
  directory: string;
  /** The underlying HTTP server, for tests that watch requests as they arrive. */
  httpServer: Server;
  /** Keys of the stored objects (read from the folder), sorted, optionally under a prefix. */
  keys(prefix?: string): string[];
  /** Stops serving and deletes the folder it created; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A real S3-compatible server (s3rver: the S3 REST API with SigV4 authentication, multipart uploads, copy, ranges)
 * on a local folder. Path-style addressing only: clients set `forcePathStyle` (S3_FORCE_PATH_STYLE=true).
 */
export async function startS3Sim(opts: S3SimOptions = {}): Promise<S3Sim> {
  const host = opts.host ?? '127.0.0.1';
  const bucket = opts.bucket ?? 'ms1-attachments';
  const region = opts.region ?? 'us-east-1';
  const ownDirectory = opts.directory === undefined;
  const directory = opts.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-s3-sim-'));
  const accessKeyId = opts.accessKeyId ?? `S3SIM${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretAccessKey = opts.secretAccessKey ?? randomBytes(30).toString('base64url');
  // s3rver keeps its accounts in a process-wide registry; each simulator adds its own key pair and removes it on stop.
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
  const server = new S3rver({
    address: host,
    port: opts.port ?? 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  let bound: { port: number };
  try {
    bound = await server.run();
  } catch (err) {
    AWSAccount.DUMMY_ACCOUNT.revokeAccessKey(accessKeyId);
    if (ownDirectory) fs.rmSync(directory, { recursive: true, force: true });
    throw err;
  }
  const httpServer = server.httpServer;
  if (!httpServer) throw new Error('s3rver started without an HTTP server');
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | null = null;
  return {
    endpoint: `http://${urlHost}:${bound.port}`,
    region,
    bucket,
    accessKeyId,
    secretAccessKey,
    directory,
    httpServer,
    keys: (prefix = '') => storedKeys(path.join(directory, bucket)).filter((k) => k.startsWith(prefix)),
    stop() {
      stopping ??= (async () => {
        const closing = server.close();
        httpServer.closeAllConnections();
        try {
          await closing;
        } finally {
          AWSAccount.DUMMY_ACCOUNT.revokeAccessKey(accessKeyId);
          if (ownDirectory) fs.rmSync(directory, { recursive: true, force: true });
        }
      })();
      return stopping;
    },
  };
}

// s3rver keeps an object as `<folder>/<bucket>/<key>._S3rver_object` (plus metadata files beside it).
const OBJECT_SUFFIX = '._S3rver_object';

function storedKeys(bucketDir: string): string[] {
  if (!fs.existsSync(bucketDir)) return [];
  return fs
    .readdirSync(bucketDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(OBJECT_SUFFIX))
    .map((f) => f.slice(0, -OBJECT_SUFFIX.length).split(path.sep).join('/'))
    .sort();
}
