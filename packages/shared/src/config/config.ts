export type AuthMode = 'app' | 'delegated';
export type IngestRole = 'http' | 'sync';

/** Where the S3-compatible attachment store is; no key pair means the AWS SDK's default credential chain. */
export interface S3Settings {
  readonly endpoint: string | null;
  readonly region: string;
  readonly bucket: string;
  readonly accessKeyId: string | null;
  readonly secretAccessKey: string | null;
  readonly forcePathStyle: boolean;
}

/** The typed, frozen configuration every app receives from `loadConfig`. */
export interface Config {
  readonly app: string;
  readonly nodeEnv: 'production' | 'development' | 'test';
  readonly log: { readonly level: string; readonly format: 'json' | 'pretty' };
  readonly redis: { readonly url: string; readonly clusterNodes: readonly string[]; readonly queuePrefix: string };
  readonly http: {
    readonly port: number;
    readonly healthPort: number | null;
    readonly bodyLimit: string;
    readonly controlApiToken: string | null;
    /** Express `trust proxy`: a hop count, or addresses/subnets/`loopback`/`linklocal`/`uniquelocal`. */
    readonly trustProxy: number | readonly string[];
    /** Command timeout of the HTTP side's own Redis connection (fail fast, never the workers' endless retry). */
    readonly redisCommandTimeoutMs: number;
    /** Upper bound of one request handler; past it the answer is 503. */
    readonly requestTimeoutMs: number;
  };
  readonly ingestRoles: readonly IngestRole[];
  readonly graph: {
    readonly authMode: AuthMode;
    readonly tenantId: string | null;
    readonly clientId: string | null;
    readonly clientSecret: string | null;
    readonly authorityHost: string;
    readonly baseUrl: string;
    readonly mailboxes: readonly string[];
    readonly folder: string;
    readonly tokenCacheKey: string | null;
    readonly maxConcurrency: number;
    readonly maxRequestsPerWindow: number;
    readonly windowMs: number;
    readonly deltaPageSize: number;
    readonly deltaPageMaxBytes: number;
    readonly syncConcurrency: number;
    /** Upper bound of a Retry-After from Graph. */
    readonly retryAfterMaxMs: number;
  };
  readonly webhooks: {
    readonly publicBaseUrl: string | null;
    readonly clientState: string | null;
    /** Requests per window and client address on /webhooks/*, counted in Redis (shared by every replica). */
    readonly rateLimitMax: number;
    readonly rateLimitWindowMs: number;
    /** A lifecycle notification repeated for the same subscription and event within this time is a replay. */
    readonly lifecycleDedupMs: number;
  };
  readonly ms4: {
    readonly baseUrl: string | null;
    readonly apiToken: string | null;
    readonly batchMaxItems: number;
    readonly batchMaxBytes: number;
    readonly batchMaxWaitMs: number;
    readonly maxRequestsPerSecond: number;
    readonly timeoutMs: number;
    readonly circuitFailures: number;
    readonly circuitOpenMs: number;
    /** Upper bound of a Retry-After from MS4. */
    readonly retryAfterMaxMs: number;
  };
  readonly storage: {
    readonly driver: 'local' | 's3';
    readonly attachmentDir: string;
    readonly maxAttachmentBytes: number;
    /** Set when `driver` is `s3`. */
    readonly s3: S3Settings | null;
  };
  readonly processing: { readonly markAsRead: boolean; readonly concurrency: number };
  readonly jobs: {
    readonly attempts: number;
    readonly backoffMs: number;
    readonly keepCompleted: { readonly age: number; readonly count: number };
    readonly keepFailed: { readonly age: number; readonly count: number };
    /** BullMQ worker lock and stalled-check timing: how soon a crashed worker's jobs are taken over. */
    readonly lockDurationMs: number;
    readonly stalledIntervalMs: number;
  };
  readonly shutdownTimeoutMs: number;
  readonly sessionHistoryLimit: number;
  /** The secret values themselves, for the logger's redaction. */
  readonly secrets: readonly string[];
}
