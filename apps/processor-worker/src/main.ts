import { bootstrap, createRuntime, createWorker, pingRedis, QueueName, startHealthServer } from '@ms1/shared';
import { processEmailHandler } from './process-email';

const DEFAULT_HEALTH_PORT = 8081;

async function main(): Promise<void> {
  const boot = bootstrap('processor-worker');
  if (!boot) return;
  const rt = await createRuntime(boot);
  const { config, logger, shutdown } = rt;

  const worker = createWorker(QueueName.EmailInbound, { 'process-email': processEmailHandler(rt.producer) }, { ctx: rt.ctx, deadLetters: rt.deadLetters, concurrency: config.processing.concurrency });
  shutdown.add('email-inbound worker', () => worker.close(), { phase: 'workers', timeoutMs: config.shutdownTimeoutMs });

  const health = await startHealthServer({
    port: config.http.healthPort ?? DEFAULT_HEALTH_PORT,
    logger,
    check: async () => {
      const redis = await pingRedis(rt.connection);
      return { ok: redis && worker.isRunning(), details: { redis, worker: worker.isRunning() } };
    },
  });
  shutdown.add('health server', () => health.close(), { phase: 'intake' });
  shutdown.installSignalHandlers();
  logger.info('started', { queue: QueueName.EmailInbound, concurrency: config.processing.concurrency, healthPort: health.port });
}

main().catch((err: unknown) => {
  process.stderr.write(`processor-worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
