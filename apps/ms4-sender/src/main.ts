// ms4-sender: consumes ms4-outbound and delivers the items to MS4 in batches. Composition root only.
import { bootstrap, createRuntime, errorMessage, QueueName, startHealthServer, workerHealthCheck } from '@ms1/shared';
import { createSender } from './sender';

const DEFAULT_HEALTH_PORT = 8082;

async function main(): Promise<void> {
  const boot = bootstrap('ms4-sender');
  if (!boot) return;
  const rt = await createRuntime(boot);
  const { config, logger, shutdown } = rt;

  const sender = createSender({
    config,
    queueSetup: rt.queueSetup,
    deadLetters: rt.deadLetters,
    redis: rt.connection,
    logger,
    sessions: rt.sessions,
    onFailure: rt.countFailure,
  });
  // Flush the open batch and wait for batches in flight for most of the shutdown budget; what is left is handed back.
  const graceMs = Math.floor(config.shutdownTimeoutMs * 0.6);
  rt.metrics.observe(sender.worker, QueueName.Ms4Outbound);
  shutdown.add('ms4-outbound sender', () => sender.close(graceMs), {
    phase: 'workers',
    timeoutMs: config.shutdownTimeoutMs,
  });

  const health = await startHealthServer({
    port: config.http.healthPort ?? DEFAULT_HEALTH_PORT,
    logger,
    check: workerHealthCheck({
      connection: rt.connection,
      worker: sender.worker,
      details: () => ({ circuit: sender.breaker.state, batchesInFlight: sender.dispatcher.pending }),
    }),
    metrics: () => rt.metrics.text(),
  });
  shutdown.add('health server', () => health.close(), { phase: 'intake' });
  shutdown.installSignalHandlers();
  const { batchMaxItems, batchMaxBytes, batchMaxWaitMs, maxRequestsPerSecond } = config.ms4;
  logger.info('started', {
    queue: QueueName.Ms4Outbound,
    ms4: config.ms4.baseUrl,
    healthPort: health.port,
    batchMaxItems,
    batchMaxBytes,
    batchMaxWaitMs,
    maxRequestsPerSecond,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`ms4-sender failed to start: ${errorMessage(err)}\n`);
  process.exitCode = 1;
});
