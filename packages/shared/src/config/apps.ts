import type { VariableName } from './variables';

type Env = Readonly<Record<string, string | undefined>>;
type Condition = (env: Env) => boolean;

/** What one app loads: the variables it uses, those it cannot start without, and the secrets it holds. */
export interface AppVariables {
  readonly loads: readonly VariableName[];
  /** Required always: non-nullable in the app's configuration type. */
  readonly required: readonly VariableName[];
  /** Required only in some settings (still nullable in the type): the condition reads the (cleaned) environment. */
  readonly requiredWhen?: Partial<Record<VariableName, Condition>>;
  /** The secrets the app uses; with NODE_ENV=production each must be set, 32+ characters and not a demo value. */
  readonly productionSecrets: Partial<Record<VariableName, Condition>>;
}

const always: Condition = () => true;
const delegated: Condition = (env) => env.AUTH_MODE === 'delegated';
/** The S3 store needs its bucket; a key pair goes together (or neither: the AWS SDK's default credentials). */
const storageRequiredWhen = {
  S3_BUCKET: (env) => env.ATTACHMENT_STORE === 's3',
  S3_ACCESS_KEY_ID: (env) => env.S3_SECRET_ACCESS_KEY !== undefined,
  S3_SECRET_ACCESS_KEY: (env) => env.S3_ACCESS_KEY_ID !== undefined,
} as const satisfies Partial<Record<VariableName, Condition>>;

/** Every app and tool loads these. */
const base = [
  'NODE_ENV',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'QUEUE_PREFIX',
  'JOB_ATTEMPTS',
  'JOB_BACKOFF_MS',
  'KEEP_COMPLETED_SECONDS',
  'KEEP_COMPLETED_COUNT',
  'KEEP_FAILED_SECONDS',
  'KEEP_FAILED_COUNT',
  'WORKER_LOCK_DURATION_MS',
  'WORKER_STALLED_INTERVAL_MS',
  'SHUTDOWN_TIMEOUT_MS',
  'SESSION_HISTORY_LIMIT',
  'DEAD_LETTER_KEEP_SECONDS',
  'DEAD_LETTER_KEEP_COUNT',
  'SEEN_KEEP_SECONDS',
  'COUNTED_EVENTS_KEEP_SECONDS',
  'DAILY_METRICS_KEEP_DAYS',
] as const satisfies readonly VariableName[];

/** The apps that call Graph (token cache, limiter) and hold attachments. */
const graph = [
  'AUTH_MODE',
  'TENANT_ID',
  'CLIENT_ID',
  'CLIENT_SECRET',
  'AUTHORITY_HOST',
  'GRAPH_BASE_URL',
  'TOKEN_CACHE_KEY',
  'GRAPH_MAX_CONCURRENCY',
  'GRAPH_MAX_REQUESTS_PER_WINDOW',
  'GRAPH_WINDOW_SECONDS',
  'GRAPH_RETRY_AFTER_MAX_SECONDS',
  'ATTACHMENT_DIR',
  'MAX_ATTACHMENT_BYTES',
  'ATTACHMENT_STORE',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_BUCKET',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
] as const satisfies readonly VariableName[];
const graphCredentials = ['TENANT_ID', 'CLIENT_ID', 'CLIENT_SECRET'] as const satisfies readonly VariableName[];

/** ingest-api's variables; its command line (`ms1`) reads the same. */
const ingestApiLoads = [
  ...base,
  ...graph,
  'PORT',
  'HEALTH_PORT',
  'HTTP_BODY_LIMIT',
  'HTTP_TRUST_PROXY',
  'HTTP_REDIS_COMMAND_TIMEOUT_MS',
  'HTTP_REQUEST_TIMEOUT_MS',
  'CONTROL_API_TOKEN',
  'INGEST_ROLES',
  'MAILBOXES',
  'MAIL_FOLDER',
  'DELTA_PAGE_SIZE',
  'DELTA_PAGE_MAX_BYTES',
  'SYNC_CONCURRENCY',
  'BACKFILL_LANES',
  'BACKFILL_MIN_MESSAGES',
  'BACKFILL_BACKLOG_MAX',
  'MARK_AS_READ',
  'MAIL_RULES_FILE',
  'PUBLIC_BASE_URL',
  'WEBHOOK_CLIENT_STATE',
  'WEBHOOK_RATE_LIMIT_MAX',
  'WEBHOOK_RATE_LIMIT_WINDOW_SECONDS',
  'WEBHOOK_LIFECYCLE_DEDUP_SECONDS',
] as const satisfies readonly VariableName[];

export const apps = {
  'ingest-api': {
    loads: ingestApiLoads,
    required: ['CONTROL_API_TOKEN', ...graphCredentials],
    requiredWhen: { TOKEN_CACHE_KEY: delegated, ...storageRequiredWhen },
    productionSecrets: {
      CONTROL_API_TOKEN: always,
      CLIENT_SECRET: always,
      TOKEN_CACHE_KEY: always,
      // Webhooks need PUBLIC_BASE_URL (Graph must reach us); without it they cannot be enabled.
      WEBHOOK_CLIENT_STATE: (env) => env.PUBLIC_BASE_URL !== undefined,
    },
  },
  'processor-worker': {
    loads: [
      ...base,
      ...graph,
      'HEALTH_PORT',
      'PROCESSOR_CONCURRENCY',
      'EXTRACT_THREADS',
      'DOCUMENT_TIME_LIMIT_MS',
      'DOCUMENT_MEMORY_LIMIT_MB',
      'EMAIL_TIME_BUDGET_MS',
      'EMAIL_BYTES_BUDGET',
    ],
    required: graphCredentials,
    requiredWhen: { TOKEN_CACHE_KEY: delegated, ...storageRequiredWhen },
    productionSecrets: { CLIENT_SECRET: always, TOKEN_CACHE_KEY: always },
  },
  'ms4-sender': {
    loads: [
      ...base,
      'HEALTH_PORT',
      'MS4_BASE_URL',
      'MS4_API_TOKEN',
      'MS4_BATCH_MAX_ITEMS',
      'MS4_BATCH_MAX_BYTES',
      'MS4_BATCH_MAX_WAIT_MS',
      'MS4_MAX_REQUESTS_PER_SECOND',
      'MS4_TIMEOUT_MS',
      'MS4_CIRCUIT_FAILURES',
      'MS4_CIRCUIT_OPEN_MS',
      'MS4_RETRY_AFTER_MAX_SECONDS',
    ],
    required: ['MS4_BASE_URL'],
    productionSecrets: { MS4_API_TOKEN: always },
  },
  /**
   * The `ms1` command line: ingest-api's variables, none required up front; the commands that call Graph
   * (`poll-once`, stopping a session with webhooks) say which credentials they miss.
   */
  cli: {
    loads: ingestApiLoads,
    required: [],
    requiredWhen: { TOKEN_CACHE_KEY: delegated, ...storageRequiredWhen },
    productionSecrets: {},
  },
  /** Tools (the benchmark, tests) that only need Redis and the queues. */
  tool: { loads: base, required: [], productionSecrets: {} },
} as const satisfies Record<string, AppVariables>;

export type AppName = keyof typeof apps;
