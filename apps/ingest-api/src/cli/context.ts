import {
  closeRedis,
  createAttachmentStore,
  createGraphStack,
  createRedis,
  DailyMetrics,
  DeadLetters,
  EmailOutcomes,
  keyPrefix,
  Producer,
  queueSetup,
  SessionStore,
  type CliConfig,
  type GraphSettings,
  type GraphStack,
  type Logger,
  type RedisConnection,
} from '@ms1/shared';
import { loadMailRules } from '../rules/load';
import type { MailRules } from '../rules/mail-rules';
import { SessionControl, type SubscriptionRemover } from '../session/session-control';
import { SubscriptionManager } from '../subscriptions/subscription-manager';
import { SubscriptionStore } from '../subscriptions/subscription-store';
import { CursorStore } from '../sync/cursor-store';
import { FolderResolver } from '../sync/folder-resolver';
import type { SyncDeps } from '../sync/sync-mailbox';

/** What the commands use: the same stores, controller and sync as ingest-api, on one Redis connection. */
export interface CliContext {
  config: CliConfig;
  logger: Logger;
  redis: RedisConnection;
  prefix: string;
  producer: Producer;
  sessions: SessionStore;
  deadLetters: DeadLetters;
  outcomes: EmailOutcomes;
  rules: MailRules | null;
  control: SessionControl;
  /** The sync's dependencies; throws, naming the missing credentials, when Graph cannot be called. */
  sync(): SyncDeps;
  close(): Promise<void>;
}

export const MISSING_CREDENTIALS = 'this command calls Microsoft Graph: set TENANT_ID, CLIENT_ID and CLIENT_SECRET';

/** The Graph settings when the credentials are there (the command line requires none up front). */
function graphSettings(config: CliConfig): GraphSettings | null {
  const { tenantId, clientId, clientSecret } = config.graph;
  if (!tenantId || !clientId || !clientSecret) return null;
  return { ...config.graph, tenantId, clientId, clientSecret };
}

/** Builds the context; throws RulesFileError for a MAIL_RULES_FILE that cannot be used. */
export function openCliContext(config: CliConfig, logger: Logger): CliContext {
  const rules = loadMailRules(config.rules.file);
  const redis = createRedis(config.redis, { role: 'client', name: 'ms1-cli' });
  const prefix = keyPrefix(config.redis.queuePrefix);
  const sessions = new SessionStore(redis, prefix, config.sessionHistoryLimit, {
    countedKeepSeconds: config.retention.countedEventsSeconds,
  });
  const producer = new Producer(queueSetup(config, redis, logger));
  const settings = graphSettings(config);
  const stack: GraphStack | null = settings
    ? createGraphStack(
        { graph: settings },
        redis,
        prefix,
        logger,
        sessions,
        undefined,
        new DailyMetrics(redis, prefix, config.retention.dailyMetricsDays),
      )
    : null;
  const folders = stack ? new FolderResolver(stack.graph, redis, prefix) : null;
  const subscriptions: SubscriptionRemover =
    stack && folders
      ? new SubscriptionManager(stack.graph, new SubscriptionStore(redis, prefix), config, logger, { rules, folders })
      : {
          removeAll: () =>
            Promise.reject(new Error(`the session has Graph subscriptions to delete: ${MISSING_CREDENTIALS}`)),
        };
  return {
    config,
    logger,
    redis,
    prefix,
    producer,
    sessions,
    deadLetters: new DeadLetters(producer, logger, config.retention.deadLetters),
    outcomes: new EmailOutcomes(redis, prefix, producer, config.retention.countedEventsSeconds),
    rules,
    control: new SessionControl(sessions, producer, logger, subscriptions, rules),
    sync: () => {
      if (!stack || !folders) throw new Error(MISSING_CREDENTIALS);
      return {
        config,
        graph: stack.graph,
        attachments: createAttachmentStore(config.storage),
        cursors: new CursorStore(redis, prefix, { seenKeepSeconds: config.retention.seenSeconds }),
        sessions,
        producer,
        redis,
        keyPrefix: prefix,
        rules,
        folders,
        daily: new DailyMetrics(redis, prefix, config.retention.dailyMetricsDays),
      };
    },
    close: async () => {
      await producer.close();
      await closeRedis(redis);
    },
  };
}
