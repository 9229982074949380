import Joi from 'joi';
import { v } from './variable';

// Every environment variable of every app, declared once: name, joi rule, default, and where its value goes in the
// typed configuration. Keys are the variable names themselves, so that a validation message names exactly the
// variable an operator has to fix. Which app loads which variable is in `apps.ts`; the types in `config.ts`.

const count = (min: number, max?: number) => {
  const rule = Joi.number().integer().min(min);
  return max === undefined ? rule : rule.max(max);
};

export const variables = {
  NODE_ENV: v.choice('nodeEnv', ['production', 'development', 'test']).default('development'),
  LOG_LEVEL: v.choice('log.level', ['error', 'warn', 'info', 'debug']).default('info'),
  /** Default: JSON in production, pretty otherwise (decided by the logger's caller). */
  LOG_FORMAT: v.choice('log.format', ['json', 'pretty']),

  REDIS_URL: v.url('redis.url', ['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: v.list('redis.clusterNodes', /^([^:,\s]+:\d+)?$/).default(''),
  QUEUE_PREFIX: v
    .text(
      'redis.queuePrefix',
      Joi.string()
        .pattern(/^[A-Za-z0-9_.-]+$/)
        .max(40),
    )
    .default('ms1'),

  PORT: v.number('http.port', Joi.number().port()).default(8000),
  HEALTH_PORT: v.number('http.healthPort', Joi.number().port()),
  HTTP_BODY_LIMIT: v
    .text('http.bodyLimit', Joi.string().pattern(/^\d+(b|kb|mb)$/i, { name: 'a size such as 512kb or 1mb' }))
    .default('1mb'),
  CONTROL_API_TOKEN: v.text('http.controlApiToken', Joi.string().min(8)).asSecret(),
  INGEST_ROLES: v
    .list('ingestRoles', /^(http|sync)$/)
    .default('http,sync')
    .map((roles) => roles.filter((r): r is 'http' | 'sync' => r === 'http' || r === 'sync')),
  // The HTTP edge (ingest-api): which proxies to believe about the client's address, and how long a request may
  // wait for Redis before it is answered 503.
  /** Express `trust proxy`: a hop count, or addresses/subnets/`loopback`/`linklocal`/`uniquelocal`. */
  HTTP_TRUST_PROXY: v
    .text('http.trustProxy', Joi.string().pattern(/^(\d+|[0-9A-Za-z.:/_-]+(,[0-9A-Za-z.:/_-]+)*)$/))
    .default('loopback')
    .map((value): number | readonly string[] => (/^\d+$/.test(value) ? Number(value) : value.split(','))),
  /** Command timeout of the HTTP side's own Redis connection (fail fast, never the workers' endless retry). */
  HTTP_REDIS_COMMAND_TIMEOUT_MS: v.number('http.redisCommandTimeoutMs', count(50, 10_000)).default(1000),
  /** Upper bound of one request handler; past it the answer is 503. */
  HTTP_REQUEST_TIMEOUT_MS: v.number('http.requestTimeoutMs', count(100, 60_000)).default(2000),
  /** Requests per window and client address on /webhooks/*, counted in Redis (shared by every replica). */
  WEBHOOK_RATE_LIMIT_MAX: v.number('webhooks.rateLimitMax', count(1)).default(600),
  WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: v
    .number('webhooks.rateLimitWindowMs', count(1, 86_400))
    .default(60)
    .map((seconds) => seconds * 1000),
  /** A lifecycle notification repeated for the same subscription and event within this time is a replay. */
  WEBHOOK_LIFECYCLE_DEDUP_SECONDS: v
    .number('webhooks.lifecycleDedupMs', count(1, 86_400))
    .default(600)
    .map((seconds) => seconds * 1000),

  AUTH_MODE: v.choice('graph.authMode', ['app', 'delegated']).default('app'),
  TENANT_ID: v.text('graph.tenantId'),
  CLIENT_ID: v.text('graph.clientId'),
  CLIENT_SECRET: v.text('graph.clientSecret').asSecret(),
  AUTHORITY_HOST: v.url('graph.authorityHost', ['https']).default('https://login.microsoftonline.com'),
  GRAPH_BASE_URL: v.url('graph.baseUrl', ['https']).default('https://graph.microsoft.com/v1.0'),
  TOKEN_CACHE_KEY: v
    .text(
      'graph.tokenCacheKey',
      Joi.string()
        .pattern(/^[0-9a-fA-F]{64}$/)
        .messages({ 'string.pattern.base': '{{#label}} must be 64 hex characters (a 256-bit key)' }),
    )
    .asSecret(),
  GRAPH_MAX_CONCURRENCY: v.number('graph.maxConcurrency', count(1, 4)).default(4),
  GRAPH_MAX_REQUESTS_PER_WINDOW: v.number('graph.maxRequestsPerWindow', count(1)).default(10_000),
  GRAPH_WINDOW_SECONDS: v
    .number('graph.windowMs', count(1))
    .default(600)
    .map((seconds) => seconds * 1000),

  MAILBOXES: v.list('graph.mailboxes').default(''),
  MAIL_FOLDER: v.text('graph.folder').default('inbox'),
  DELTA_PAGE_SIZE: v.number('graph.deltaPageSize', count(1, 1000)).default(50),
  DELTA_PAGE_MAX_BYTES: v.number('graph.deltaPageMaxBytes', count(1024)).default(8 * 1024 * 1024),
  SYNC_CONCURRENCY: v.number('graph.syncConcurrency', count(1, 64)).default(4),
  /** Lanes of a folder's first sync (receivedDateTime ranges read in parallel); 1 = one delta chain, as before. */
  BACKFILL_LANES: v.number('graph.backfillLanes', count(1, 4)).default(4),
  /** A folder holding fewer messages than this is first synced by one delta chain (lanes would not pay). */
  BACKFILL_MIN_MESSAGES: v.number('graph.backfillMinMessages', count(0)).default(500),
  /**
   * Lanes stop reading while this many e-mails wait for a processor (email-inbound: waiting and prioritized), so a
   * big backfill waits in the mailbox rather than in Redis; 0 = no bound.
   */
  BACKFILL_BACKLOG_MAX: v.number('graph.backfillBacklogMax', count(0)).default(2000),
  /** Upper bound of a Retry-After from Graph. */
  GRAPH_RETRY_AFTER_MAX_SECONDS: v
    .number('graph.retryAfterMaxMs', count(1, 86_400))
    .default(600)
    .map((seconds) => seconds * 1000),
  MARK_AS_READ: v.flag('processing.markAsRead').default(false),
  /** Mail rules (JSON): which folders are watched, which messages and attachments are taken, what is done after. */
  MAIL_RULES_FILE: v.text('rules.file'),

  PUBLIC_BASE_URL: v.url('webhooks.publicBaseUrl', ['http', 'https']),
  WEBHOOK_CLIENT_STATE: v.text('webhooks.clientState', Joi.string().min(8).max(128)).asSecret(),

  MS4_BASE_URL: v.url('ms4.baseUrl', ['http', 'https']),
  MS4_API_TOKEN: v.text('ms4.apiToken').asSecret(),
  MS4_BATCH_MAX_ITEMS: v.number('ms4.batchMaxItems', count(1, 10_000)).default(100),
  MS4_BATCH_MAX_BYTES: v.number('ms4.batchMaxBytes', count(1024)).default(1024 * 1024),
  MS4_BATCH_MAX_WAIT_MS: v.number('ms4.batchMaxWaitMs', count(0)).default(1000),
  MS4_MAX_REQUESTS_PER_SECOND: v.number('ms4.maxRequestsPerSecond', Joi.number().min(0.1)).default(20),
  MS4_TIMEOUT_MS: v.number('ms4.timeoutMs', count(100)).default(15_000),
  MS4_CIRCUIT_FAILURES: v.number('ms4.circuitFailures', count(1)).default(5),
  MS4_CIRCUIT_OPEN_MS: v.number('ms4.circuitOpenMs', count(100)).default(15_000),
  /** Upper bound of a Retry-After from MS4. */
  MS4_RETRY_AFTER_MAX_SECONDS: v
    .number('ms4.retryAfterMaxMs', count(1, 86_400))
    .default(300)
    .map((seconds) => seconds * 1000),

  ATTACHMENT_DIR: v.text('storage.attachmentDir').default('./data/attachments'),
  MAX_ATTACHMENT_BYTES: v.number('storage.maxAttachmentBytes', count(1)).default(25 * 1024 * 1024),
  ATTACHMENT_STORE: v.choice('storage.driver', ['local', 's3']).default('local'),
  // S3-compatible attachment store (ATTACHMENT_STORE=s3). Without a key pair the AWS SDK's default credential chain
  // applies (AWS_* variables, a web identity token in Kubernetes, instance metadata).
  S3_ENDPOINT: v.url('storage.s3.endpoint', ['http', 'https']),
  S3_REGION: v.text('storage.s3.region', Joi.string().pattern(/^[a-z0-9-]+$/)).default('us-east-1'),
  S3_BUCKET: v.text(
    'storage.s3.bucket',
    Joi.string()
      .pattern(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
      .messages({ 'string.pattern.base': '{{#label}} must be a valid S3 bucket name' }),
  ),
  S3_ACCESS_KEY_ID: v.text('storage.s3.accessKeyId'),
  S3_SECRET_ACCESS_KEY: v.text('storage.s3.secretAccessKey').asSecret(),
  S3_FORCE_PATH_STYLE: v.flag('storage.s3.forcePathStyle').default(false),
  PROCESSOR_CONCURRENCY: v.number('processing.concurrency', count(1, 256)).default(8),
  // Reading untrusted documents in the processor: reader threads, each document's limits, each e-mail's budget.
  EXTRACT_THREADS: v.number('extraction.threads', count(1, 64)).default(1),
  DOCUMENT_TIME_LIMIT_MS: v.number('extraction.documentTimeLimitMs', count(100)).default(15_000),
  DOCUMENT_MEMORY_LIMIT_MB: v.number('extraction.documentMemoryLimitMb', count(64, 16_384)).default(256),
  EMAIL_TIME_BUDGET_MS: v.number('extraction.emailTimeBudgetMs', count(100)).default(60_000),
  EMAIL_BYTES_BUDGET: v.number('extraction.emailBytesBudget', count(1024)).default(150 * 1024 * 1024),

  JOB_ATTEMPTS: v.number('jobs.attempts', count(1, 100)).default(8),
  JOB_BACKOFF_MS: v.number('jobs.backoffMs', count(10)).default(2000),
  KEEP_COMPLETED_SECONDS: v.number('jobs.keepCompleted.age', count(0)).default(3600),
  KEEP_COMPLETED_COUNT: v.number('jobs.keepCompleted.count', count(0)).default(2000),
  KEEP_FAILED_SECONDS: v.number('jobs.keepFailed.age', count(0)).default(7 * 24 * 3600),
  KEEP_FAILED_COUNT: v.number('jobs.keepFailed.count', count(0)).default(10_000),
  WORKER_LOCK_DURATION_MS: v.number('jobs.lockDurationMs', count(1000)).default(30_000),
  WORKER_STALLED_INTERVAL_MS: v.number('jobs.stalledIntervalMs', count(500)).default(30_000),
  SHUTDOWN_TIMEOUT_MS: v.number('shutdownTimeoutMs', count(100)).default(20_000),
  SESSION_HISTORY_LIMIT: v.number('sessionHistoryLimit', count(1, 1000)).default(50),
  // How long Redis remembers what would otherwise grow with every e-mail.
  /** Dead letters kept this long, and at most this many (oldest trimmed first). */
  DEAD_LETTER_KEEP_SECONDS: v.number('retention.deadLetters.age', count(1)).default(30 * 24 * 3600),
  DEAD_LETTER_KEEP_COUNT: v.number('retention.deadLetters.count', count(1)).default(50_000),
  /** A message id stays in its mailbox's seen-set at least this long (no second enqueue within it). */
  SEEN_KEEP_SECONDS: v.number('retention.seenSeconds', count(1)).default(30 * 24 * 3600),
  /** A session counts an event (job, page, item) once within this window. */
  COUNTED_EVENTS_KEEP_SECONDS: v.number('retention.countedEventsSeconds', count(1)).default(7 * 24 * 3600),
  /** Days of per-day, per-mailbox counters kept (GET /metrics/daily). */
  DAILY_METRICS_KEEP_DAYS: v.number('retention.dailyMetricsDays', count(1, 400)).default(35),
};

export type Variables = typeof variables;
export type VariableName = keyof Variables;

/** One joi schema of every variable (for documentation checks; each app validates its own part). */
export const envSchema = Joi.object(
  Object.fromEntries(Object.entries(variables).map(([name, variable]) => [name, variable.rule])),
);

/** The names of the secret variables, for redaction. */
export const secretVariables = (Object.keys(variables) as VariableName[]).filter((name) => variables[name].secret);
