import type { Config, IngestRole } from './config';
import { envSchema, requiredByApp, secretVariables, type AppName } from './schema';

/** A configuration problem: the message names the variable(s), in one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;
type Validated = Record<string, unknown>;

const list = (v: unknown): string[] =>
  String(v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));
const num = (v: unknown): number => Number(v);

function validate(app: AppName, env: Env): Validated {
  const required = [...requiredByApp[app]] as string[];
  if (app === 'ingest-api' && env.AUTH_MODE === 'delegated') required.push('TOKEN_CACHE_KEY');
  const schema = required.length ? envSchema.fork(required, (s) => s.required()) : envSchema;
  // Empty strings count as unset: docker-compose and .env files write `VAR=` for "no value".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const { value, error } = schema.validate(cleaned, {
    abortEarly: false,
    allowUnknown: true,
    stripUnknown: true,
    convert: true,
  });
  if (error) {
    // Joi's messages quote the key, never the value, so a bad secret is not echoed.
    const problems = error.details.map((d) => d.message.replace(/"/g, ''));
    throw new ConfigError(`Invalid configuration for ${app}: ${problems.join('; ')}`);
  }
  return value as Validated;
}

/** Validates the environment for one app and returns a frozen, typed configuration. Throws ConfigError. */
export function loadConfig(app: AppName, env: Env = process.env): Config {
  const v = validate(app, env);
  const nodeEnv = v.NODE_ENV as Config['nodeEnv'];
  const secrets = secretVariables.map((k) => str(v[k])).filter((s): s is string => s !== null);
  const redisPassword = safePassword(String(v.REDIS_URL));
  if (redisPassword) secrets.push(redisPassword);
  const config: Config = {
    app,
    nodeEnv,
    log: {
      level: String(v.LOG_LEVEL),
      format: (v.LOG_FORMAT as 'json' | 'pretty' | undefined) ?? (nodeEnv === 'production' ? 'json' : 'pretty'),
    },
    redis: { url: String(v.REDIS_URL), clusterNodes: list(v.REDIS_CLUSTER_NODES), queuePrefix: String(v.QUEUE_PREFIX) },
    http: {
      port: num(v.PORT),
      healthPort: v.HEALTH_PORT === undefined ? null : num(v.HEALTH_PORT),
      bodyLimit: String(v.HTTP_BODY_LIMIT),
      controlApiToken: str(v.CONTROL_API_TOKEN),
      trustProxy: /^\d+$/.test(String(v.HTTP_TRUST_PROXY)) ? num(v.HTTP_TRUST_PROXY) : list(v.HTTP_TRUST_PROXY),
      redisCommandTimeoutMs: num(v.HTTP_REDIS_COMMAND_TIMEOUT_MS),
      requestTimeoutMs: num(v.HTTP_REQUEST_TIMEOUT_MS),
    },
    ingestRoles: [...new Set(list(v.INGEST_ROLES))] as IngestRole[],
    graph: {
      authMode: v.AUTH_MODE as 'app' | 'delegated',
      tenantId: str(v.TENANT_ID),
      clientId: str(v.CLIENT_ID),
      clientSecret: str(v.CLIENT_SECRET),
      authorityHost: String(v.AUTHORITY_HOST).replace(/\/+$/, ''),
      baseUrl: String(v.GRAPH_BASE_URL).replace(/\/+$/, ''),
      mailboxes: list(v.MAILBOXES),
      folder: String(v.MAIL_FOLDER),
      tokenCacheKey: str(v.TOKEN_CACHE_KEY),
      maxConcurrency: num(v.GRAPH_MAX_CONCURRENCY),
      maxRequestsPerWindow: num(v.GRAPH_MAX_REQUESTS_PER_WINDOW),
      windowMs: num(v.GRAPH_WINDOW_SECONDS) * 1000,
      deltaPageSize: num(v.DELTA_PAGE_SIZE),
      deltaPageMaxBytes: num(v.DELTA_PAGE_MAX_BYTES),
      syncConcurrency: num(v.SYNC_CONCURRENCY),
      retryAfterMaxMs: num(v.GRAPH_RETRY_AFTER_MAX_SECONDS) * 1000,
    },
    webhooks: {
      publicBaseUrl: str(v.PUBLIC_BASE_URL)?.replace(/\/+$/, '') ?? null,
      clientState: str(v.WEBHOOK_CLIENT_STATE),
      rateLimitMax: num(v.WEBHOOK_RATE_LIMIT_MAX),
      rateLimitWindowMs: num(v.WEBHOOK_RATE_LIMIT_WINDOW_SECONDS) * 1000,
      lifecycleDedupMs: num(v.WEBHOOK_LIFECYCLE_DEDUP_SECONDS) * 1000,
    },
    ms4: {
      baseUrl: str(v.MS4_BASE_URL)?.replace(/\/+$/, '') ?? null,
      apiToken: str(v.MS4_API_TOKEN),
      batchMaxItems: num(v.MS4_BATCH_MAX_ITEMS),
      batchMaxBytes: num(v.MS4_BATCH_MAX_BYTES),
      batchMaxWaitMs: num(v.MS4_BATCH_MAX_WAIT_MS),
      maxRequestsPerSecond: num(v.MS4_MAX_REQUESTS_PER_SECOND),
      timeoutMs: num(v.MS4_TIMEOUT_MS),
      circuitFailures: num(v.MS4_CIRCUIT_FAILURES),
      circuitOpenMs: num(v.MS4_CIRCUIT_OPEN_MS),
      retryAfterMaxMs: num(v.MS4_RETRY_AFTER_MAX_SECONDS) * 1000,
    },
    storage: {
      driver: v.ATTACHMENT_STORE as 'local' | 's3',
      attachmentDir: String(v.ATTACHMENT_DIR),
      maxAttachmentBytes: num(v.MAX_ATTACHMENT_BYTES),
      s3:
        v.ATTACHMENT_STORE === 's3'
          ? {
              endpoint: str(v.S3_ENDPOINT)?.replace(/\/+$/, '') ?? null,
              region: String(v.S3_REGION),
              bucket: String(v.S3_BUCKET),
              accessKeyId: str(v.S3_ACCESS_KEY_ID),
              secretAccessKey: str(v.S3_SECRET_ACCESS_KEY),
              forcePathStyle: Boolean(v.S3_FORCE_PATH_STYLE),
            }
          : null,
    },
    processing: { markAsRead: Boolean(v.MARK_AS_READ), concurrency: num(v.PROCESSOR_CONCURRENCY) },
    jobs: {
      attempts: num(v.JOB_ATTEMPTS),
      backoffMs: num(v.JOB_BACKOFF_MS),
      keepCompleted: { age: num(v.KEEP_COMPLETED_SECONDS), count: num(v.KEEP_COMPLETED_COUNT) },
      keepFailed: { age: num(v.KEEP_FAILED_SECONDS), count: num(v.KEEP_FAILED_COUNT) },
      lockDurationMs: num(v.WORKER_LOCK_DURATION_MS),
      stalledIntervalMs: num(v.WORKER_STALLED_INTERVAL_MS),
    },
    shutdownTimeoutMs: num(v.SHUTDOWN_TIMEOUT_MS),
    sessionHistoryLimit: num(v.SESSION_HISTORY_LIMIT),
    secrets,
  };
  return deepFreeze(config);
}

function safePassword(redisUrl: string): string | null {
  try {
    return new URL(redisUrl).password || null;
  } catch {
    return null;
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o as object)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
