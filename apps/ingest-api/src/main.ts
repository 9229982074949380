import type { Server } from 'node:http';
import { bootstrap, closeRedis, createRedis, createRuntime, createWorker, keyPrefix, QueueName, SessionStore } from '@ms1/shared';
import { createHttpApp } from './http/app';
import { SessionControl } from './session/session-control';
import { syncHandlers } from './sync/handlers';

async function main(): Promise<void> {
  const boot = bootstrap('ingest-api');
  if (!boot) return;
  const rt = await createRuntime(boot);
  const { config, logger, shutdown } = rt;
  const roles = config.ingestRoles;
  const store = new SessionStore(rt.connection, keyPrefix(config.redis.queuePrefix), config.sessionHistoryLimit);
  const control = new SessionControl(store, rt.producer, logger);

  if (roles.includes('sync')) {
    const worker = createWorker(QueueName.MailSync, syncHandlers({ store, control }), { ctx: rt.ctx, deadLetters: rt.deadLetters, concurrency: config.graph.syncConcurrency });
    shutdown.add('mail-sync worker', () => worker.close(), { phase: 'workers', timeoutMs: config.shutdownTimeoutMs });
  }

  if (roles.includes('http')) {
    const healthConnection = createRedis(config.redis, { role: 'client', name: 'ingest-api-health' });
    healthConnection.on('error', () => undefined);
    shutdown.add('health redis', () => closeRedis(healthConnection), { phase: 'connections' });
    const app = createHttpApp({ config, logger, healthConnection, producer: rt.producer, store, control, deadLetters: rt.deadLetters });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(config.http.port, () => resolve(s));
      s.once('error', reject);
    });
    shutdown.add('http server', () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }), { phase: 'intake', timeoutMs: 5000 });
    const address = server.address();
    logger.info('listening', { port: typeof address === 'object' && address ? address.port : config.http.port });
  }

  shutdown.installSignalHandlers();
  logger.info('started', { roles });
}

main().catch((err: unknown) => {
  process.stderr.write(`ingest-api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
