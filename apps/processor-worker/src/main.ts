import {
  bootstrap,
  createAttachmentStore,
  createGraphStack,
  createRuntime,
  createWorker,
  EmailOutcomes,
  errorMessage,
  keyPrefix,
  QueueName,
  startHealthServer,
  workerHealthCheck,
} from '@ms1/shared';
import { DocumentReader } from './extract';
import { WARM_UP_SAMPLES } from './extract/warm-up-samples';
import { processEmailHandler } from './process-email';

const DEFAULT_HEALTH_PORT = 8081;

async function main(): Promise<void> {
  const boot = bootstrap('processor-worker');
  if (!boot) return;
  const rt = await createRuntime(boot);
  const { config, logger, shutdown, connection } = rt;
  const prefix = keyPrefix(config.redis.queuePrefix);
  const { sessions } = rt;
  const { graph } = createGraphStack(config, connection, prefix, logger, sessions, rt.metrics, rt.daily);
  const attachments = createAttachmentStore(config.storage);

  const { extraction } = config;
  const reader = new DocumentReader({
    threads: extraction.threads,
    documentMemoryLimitMb: extraction.documentMemoryLimitMb,
    limits: {
      maxAttachmentBytes: config.storage.maxAttachmentBytes,
      documentTimeLimitMs: extraction.documentTimeLimitMs,
    },
    emailBudget: { timeMs: extraction.emailTimeBudgetMs, bytes: extraction.emailBytesBudget },
  });
  // The worker takes e-mails once the readers are warm: the first documents neither wait for that nor pay for it.
  await reader.start();
  const warm = [...reader.warmThreadReports.values()];
  const warmedUp =
    warm.length === extraction.threads && warm.every((r) => r.pdfjsWorker && r.samplesFound === WARM_UP_SAMPLES.length);
  // Not fatal: the readers work cold, their first documents pay the warm-up (a sample missing from the image, a
  // thread still warming when start() stopped waiting).
  logger.log(warmedUp ? 'info' : 'warn', warmedUp ? 'reader threads warm' : 'reader threads not fully warmed up', {
    threads: extraction.threads,
    reported: warm.length,
    pdfjsWorker: warm.filter((r) => r.pdfjsWorker).length,
    samplesFound: warm.map((r) => r.samplesFound),
    samples: WARM_UP_SAMPLES.length,
  });
  const outcomes = new EmailOutcomes(connection, prefix, rt.producer, config.retention.countedEventsSeconds);
  const handler = processEmailHandler({
    producer: rt.producer,
    attachments,
    graph,
    sessions,
    reader,
    outcomes,
    daily: rt.daily,
  });
  const worker = createWorker(
    QueueName.EmailInbound,
    { 'process-email': handler },
    {
      queueSetup: rt.queueSetup,
      deadLetters: rt.deadLetters,
      concurrency: config.processing.concurrency,
      onFailure: rt.countFailure,
      // A dead-lettered e-mail's outcome is final: unreadable (its after-action, with mail rules, says so in Outlook).
      onDeadLetter: (job) => outcomes.deadLettered(job.data),
    },
  );
  rt.metrics.observe(worker, QueueName.EmailInbound);
  shutdown.add('email-inbound worker', () => worker.close(), { phase: 'workers', timeoutMs: config.shutdownTimeoutMs });
  shutdown.add('document readers', () => reader.close(), { phase: 'queues' });

  const health = await startHealthServer({
    port: config.http.healthPort ?? DEFAULT_HEALTH_PORT,
    logger,
    check: workerHealthCheck({ connection: rt.connection, worker }),
    metrics: () => rt.metrics.text(),
  });
  shutdown.add('health server', () => health.close(), { phase: 'intake' });
  shutdown.installSignalHandlers();
  logger.info('started', {
    queue: QueueName.EmailInbound,
    concurrency: config.processing.concurrency,
    readerThreads: extraction.threads,
    healthPort: health.port,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`processor-worker failed to start: ${errorMessage(err)}\n`);
  process.exitCode = 1;
});
