import Joi from 'joi';

// One schema for every environment variable of every app. Keys are the variable names themselves, so that a
// validation message names exactly the variable an operator has to fix.

const url = (schemes: string[]) => Joi.string().uri({ scheme: schemes });
const csv = Joi.string()
  .allow('')
  .pattern(/^[^,]*(,[^,]*)*$/);

export const envSchema = Joi.object({
  NODE_ENV: Joi.string().valid('production', 'development', 'test').default('development'),
  LOG_LEVEL: Joi.string().valid('error', 'warn', 'info', 'debug').default('info'),
  LOG_FORMAT: Joi.string().valid('json', 'pretty'),

  REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: csv.default(''),
  QUEUE_PREFIX: Joi.string()
    .pattern(/^[A-Za-z0-9_.-]+$/)
    .max(40)
    .default('ms1'),

  PORT: Joi.number().port().default(8000),
  HEALTH_PORT: Joi.number().port(),
  HTTP_BODY_LIMIT: Joi.string()
    .pattern(/^\d+(b|kb|mb)$/i)
    .default('1mb'),
  CONTROL_API_TOKEN: Joi.string().min(8),
  INGEST_ROLES: Joi.string()
    .pattern(/^(http|sync)(,(http|sync))*$/)
    .default('http,sync'),
  // The HTTP edge (ingest-api): which proxies to believe about the client's address, and how long a request may
  // wait for Redis before it is answered 503.
  HTTP_TRUST_PROXY: Joi.string()
    .pattern(/^(\d+|[0-9A-Za-z.:/_-]+(,[0-9A-Za-z.:/_-]+)*)$/)
    .default('loopback'),
  HTTP_REDIS_COMMAND_TIMEOUT_MS: Joi.number().integer().min(50).max(10_000).default(1000),
  HTTP_REQUEST_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(2000),
  WEBHOOK_RATE_LIMIT_MAX: Joi.number().integer().min(1).default(600),
  WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: Joi.number().integer().min(1).max(86_400).default(60),
  WEBHOOK_LIFECYCLE_DEDUP_SECONDS: Joi.number().integer().min(1).max(86_400).default(600),

  AUTH_MODE: Joi.string().valid('app', 'delegated').default('app'),
  TENANT_ID: Joi.string(),
  CLIENT_ID: Joi.string(),
  CLIENT_SECRET: Joi.string(),
  AUTHORITY_HOST: url(['https']).default('https://login.microsoftonline.com'),
  GRAPH_BASE_URL: url(['https']).default('https://graph.microsoft.com/v1.0'),
  MAILBOXES: csv.default(''),
  MAIL_FOLDER: Joi.string().default('inbox'),
  PUBLIC_BASE_URL: url(['http', 'https']),
  WEBHOOK_CLIENT_STATE: Joi.string().min(8).max(128),
  TOKEN_CACHE_KEY: Joi.string()
    .pattern(/^[0-9a-fA-F]{64}$/)
    .messages({ 'string.pattern.base': '{{#label}} must be 64 hex characters (a 256-bit key)' }),

  GRAPH_MAX_CONCURRENCY: Joi.number().integer().min(1).max(4).default(4),
  GRAPH_MAX_REQUESTS_PER_WINDOW: Joi.number().integer().min(1).default(10_000),
  GRAPH_WINDOW_SECONDS: Joi.number().integer().min(1).default(600),
  DELTA_PAGE_SIZE: Joi.number().integer().min(1).max(1000).default(50),
  DELTA_PAGE_MAX_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(8 * 1024 * 1024),
  SYNC_CONCURRENCY: Joi.number().integer().min(1).max(64).default(4),
  GRAPH_RETRY_AFTER_MAX_SECONDS: Joi.number().integer().min(1).max(86_400).default(600),

  MS4_BASE_URL: url(['http', 'https']),
  MS4_API_TOKEN: Joi.string(),
  MS4_BATCH_MAX_ITEMS: Joi.number().integer().min(1).max(10_000).default(100),
  MS4_BATCH_MAX_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(1024 * 1024),
  MS4_BATCH_MAX_WAIT_MS: Joi.number().integer().min(0).default(1000),
  MS4_MAX_REQUESTS_PER_SECOND: Joi.number().min(0.1).default(20),
  MS4_TIMEOUT_MS: Joi.number().integer().min(100).default(15_000),
  MS4_CIRCUIT_FAILURES: Joi.number().integer().min(1).default(5),
  MS4_CIRCUIT_OPEN_MS: Joi.number().integer().min(100).default(15_000),
  MS4_RETRY_AFTER_MAX_SECONDS: Joi.number().integer().min(1).max(86_400).default(300),

  ATTACHMENT_STORE: Joi.string().valid('local', 's3').default('local'),
  ATTACHMENT_DIR: Joi.string().default('./data/attachments'),
  MAX_ATTACHMENT_BYTES: Joi.number()
    .integer()
    .min(1)
    .default(25 * 1024 * 1024),
  // S3-compatible attachment store (ATTACHMENT_STORE=s3). Without a key pair the AWS SDK's default credential chain
  // applies (AWS_* variables, a web identity token in Kubernetes, instance metadata).
  S3_ENDPOINT: url(['http', 'https']),
  S3_REGION: Joi.string()
    .pattern(/^[a-z0-9-]+$/)
    .default('us-east-1'),
  S3_BUCKET: Joi.string()
    .pattern(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
    .messages({ 'string.pattern.base': '{{#label}} must be a valid S3 bucket name' })
    .when('ATTACHMENT_STORE', { is: 's3', then: Joi.required() }),
  S3_ACCESS_KEY_ID: Joi.string(),
  S3_SECRET_ACCESS_KEY: Joi.string(),
  S3_FORCE_PATH_STYLE: Joi.boolean().truthy('1', 'yes').falsy('0', 'no').default(false),
  MARK_AS_READ: Joi.boolean().truthy('1', 'yes').falsy('0', 'no').default(false),
  PROCESSOR_CONCURRENCY: Joi.number().integer().min(1).max(256).default(8),

  JOB_ATTEMPTS: Joi.number().integer().min(1).max(100).default(8),
  JOB_BACKOFF_MS: Joi.number().integer().min(10).default(2000),
  KEEP_COMPLETED_SECONDS: Joi.number().integer().min(0).default(3600),
  KEEP_COMPLETED_COUNT: Joi.number().integer().min(0).default(2000),
  KEEP_FAILED_SECONDS: Joi.number()
    .integer()
    .min(0)
    .default(7 * 24 * 3600),
  KEEP_FAILED_COUNT: Joi.number().integer().min(0).default(10_000),
  WORKER_LOCK_DURATION_MS: Joi.number().integer().min(1000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: Joi.number().integer().min(500).default(30_000),
  SHUTDOWN_TIMEOUT_MS: Joi.number().integer().min(100).default(20_000),
  SESSION_HISTORY_LIMIT: Joi.number().integer().min(1).max(1000).default(50),
})
  .and('S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY')
  .messages({
    'object.and': 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together (or neither: default AWS credentials)',
  });

/** Variables each app cannot start without (on top of the schema's own rules). */
export const requiredByApp = {
  'ingest-api': ['CONTROL_API_TOKEN', 'TENANT_ID', 'CLIENT_ID', 'CLIENT_SECRET'],
  'processor-worker': ['TENANT_ID', 'CLIENT_ID', 'CLIENT_SECRET'],
  'ms4-sender': ['MS4_BASE_URL'],
  // Tools (CLI, benchmark, tests) that only need Redis.
  tool: [],
} as const;

export type AppName = keyof typeof requiredByApp;

/** Values that must never be logged or returned by an API. */
export const secretVariables = [
  'CLIENT_SECRET',
  'CONTROL_API_TOKEN',
  'WEBHOOK_CLIENT_STATE',
  'TOKEN_CACHE_KEY',
  'MS4_API_TOKEN',
  'S3_SECRET_ACCESS_KEY',
] as const;
