import { bootstrap, createRuntime, createWorker, pingRedis, QueueName, startHealthServer } from '@ms1/shared';
import { deliverHandler } from './deliver';

const DEFAULT_HEALTH_PORT = 8082;

async function main(): Promise<void> {
  const boot = bootstrap('ms4-sender');
  if (!boot) return;
  const rt = await createRuntime(boot);
  const { config, logger, shutdown } = rt;

  const worker = createWorker(QueueName.Ms4Outbound, { 'invoice-metadata': deliverHandler() }, { ctx: rt.ctx, deadLetters: rt.deadLetters, concurrency: config.ms4.batchMaxItems });
  shutdown.add('ms4-outbound worker', () => worker.close(), { phase: 'workers', timeoutMs: config.shutdownTimeoutMs });

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
  logger.info('started', { queue: QueueName.Ms4Outbound, ms4: config.ms4.baseUrl, healthPort: health.port });
}

main().catch((err: unknown) => {
  process.stderr.write(`ms4-sender failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
