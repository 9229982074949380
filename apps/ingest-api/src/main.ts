import type { Server } from 'node:http';
import {
  bootstrap,
  createAttachmentStore,
  createGraphStack,
  createRuntime,
  createWorker,
  EmailOutcomes,
  errorMessage,
  keyPrefix,
  pingRedis,
  QueueName,
  startHealthServer,
} from '@ms1/shared';
import { afterActionHandler } from './actions/after-action';
import { createHttpApp } from './http/app';
import { openHttpSide } from './http/http-side';
import { loadMailRules } from './rules/load';
import { RulesFileError } from './rules/rule-file';
import { SessionControl } from './session/session-control';
import { SubscriptionManager } from './subscriptions/subscription-manager';
import { SubscriptionStore } from './subscriptions/subscription-store';
import { CursorStore } from './sync/cursor-store';
import { FolderResolver } from './sync/folder-resolver';
import { syncHandlers } from './sync/handlers';
import { syncPageHandler } from './sync/sync-page';

/** The side port of a replica without the HTTP role (`INGEST_ROLES=sync`), for its /health and /metrics. */
const DEFAULT_SYNC_HEALTH_PORT = 8083;
/** /health must answer within 1 s even while Redis is slow to answer (then with 503). */
const HEALTH_REDIS_TIMEOUT_MS = 500;

async function main(): Promise<void> {
  const boot = bootstrap('ingest-api');
  if (!boot) return;
  let rules;
  try {
    rules = loadMailRules(boot.config.rules.file);
  } catch (err) {
    if (!(err instanceof RulesFileError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  const rt = await createRuntime(boot);
  const { config, logger, shutdown, connection } = rt;
  const roles = config.ingestRoles;
  const prefix = keyPrefix(config.redis.queuePrefix);
  const { sessions } = rt;
  const { graph, tokens } = createGraphStack(config, connection, prefix, logger, sessions, rt.metrics, rt.daily);
  const subscriptionStore = new SubscriptionStore(connection, prefix);
  const folders = new FolderResolver(graph, connection, prefix);
  const subscriptions = new SubscriptionManager(graph, subscriptionStore, config, logger, { rules, folders });
  const control = new SessionControl(sessions, rt.producer, logger, subscriptions, rules);
  if (rules) logger.info('mail rules loaded', { file: config.rules.file, rules: rules.rules.map((r) => r.name) });

  const syncWorkers: { isRunning(): boolean }[] = [];
  if (roles.includes('sync')) {
    const sync = {
      config,
      graph,
      attachments: createAttachmentStore(config.storage),
      cursors: new CursorStore(connection, prefix, { seenKeepSeconds: config.retention.seenSeconds }),
      sessions,
      producer: rt.producer,
      redis: connection,
      keyPrefix: prefix,
      rules,
      folders,
      daily: rt.daily,
    };
    const syncWorker = createWorker(QueueName.MailSync, syncHandlers({ sessions, control, sync, subscriptions }), {
      queueSetup: rt.queueSetup,
      deadLetters: rt.deadLetters,
      concurrency: config.graph.syncConcurrency,
      onFailure: rt.countFailure,
    });
    const pageWorker = createWorker(
      QueueName.MailSyncResults,
      // With mail rules, their after-actions say what happens in Outlook; MARK_AS_READ is for a setup without rules.
      { 'sync-page': syncPageHandler({ graph, markAsRead: config.processing.markAsRead && !rules, sessions }) },
      { queueSetup: rt.queueSetup, deadLetters: rt.deadLetters, concurrency: 4 },
    );
    const outcomes = new EmailOutcomes(connection, prefix, rt.producer, config.retention.countedEventsSeconds);
    const actionWorker = createWorker(
      QueueName.MailActions,
      { 'after-action': afterActionHandler({ graph, rules, folders, outcomes, sessions }) },
      { queueSetup: rt.queueSetup, deadLetters: rt.deadLetters, concurrency: 4, onFailure: rt.countFailure },
    );
    syncWorkers.push(syncWorker, pageWorker, actionWorker);
    rt.metrics.observe(syncWorker, QueueName.MailSync);
    rt.metrics.observe(pageWorker, QueueName.MailSyncResults);
    rt.metrics.observe(actionWorker, QueueName.MailActions);
    shutdown.add('mail-actions worker', () => actionWorker.close(), {
      phase: 'workers',
      timeoutMs: config.shutdownTimeoutMs,
    });
    shutdown.add('mail-sync worker', () => syncWorker.close(), {
      phase: 'workers',
      timeoutMs: config.shutdownTimeoutMs,
    });
    shutdown.add('mail-sync-results worker', () => pageWorker.close(), {
      phase: 'workers',
      timeoutMs: config.shutdownTimeoutMs,
    });
  }

  if (roles.includes('http')) {
    const side = await openHttpSide({ config, logger, graph, shutdown, rules });
    const app = createHttpApp({ config, logger, side, metrics: rt.metrics, tokens });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(config.http.port, () => resolve(s));
      s.once('error', reject);
    });
    // A client that trickles its request in does not hold a socket for minutes.
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    shutdown.add(
      'http server',
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
      { phase: 'intake', timeoutMs: 5000 },
    );
    const address = server.address();
    logger.info('listening', { port: typeof address === 'object' && address ? address.port : config.http.port });
  }

  let healthPort: number | null = null;
  if (!roles.includes('http')) {
    // Without the HTTP role there is no /health on PORT; a sync replica serves it on its side port like a worker.
    const health = await startHealthServer({
      port: config.http.healthPort ?? DEFAULT_SYNC_HEALTH_PORT,
      logger,
      check: async () => {
        const redis = await pingRedis(rt.connection, HEALTH_REDIS_TIMEOUT_MS);
        const workers = syncWorkers.every((w) => w.isRunning());
        return { ok: redis && workers, details: { redis, workers, roles } };
      },
      metrics: () => rt.metrics.text(),
    });
    shutdown.add('health server', () => health.close(), { phase: 'intake' });
    healthPort = health.port;
  }

  shutdown.installSignalHandlers();
  logger.info('started', healthPort === null ? { roles } : { roles, healthPort });
}

main().catch((err: unknown) => {
  process.stderr.write(`ingest-api failed to start: ${errorMessage(err)}\n`);
  process.exitCode = 1;
});
