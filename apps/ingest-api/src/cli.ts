import {
  bootstrap,
  closeRedis,
  createRedis,
  DeadLetters,
  enqueueSessionSync,
  errorMessage,
  keyPrefix,
  Producer,
  queueSetup,
  SessionStore,
} from '@ms1/shared';

// The operator's command line, on the same stores as the API:
//   ms1 session info | clear | reset      ms1 dlq list [limit] | replay <id> | replay --all      ms1 poll-once
const USAGE = 'usage: ms1 session info|clear|reset | dlq list [limit]|replay <id>|replay --all | poll-once';

async function main(argv: string[]): Promise<number> {
  const [group, action, arg] = argv.filter((a) => a !== '--');
  const boot = bootstrap('tool');
  if (!boot) return 1;
  const { config, logger } = boot;
  const redis = createRedis(config.redis, { role: 'client', name: 'ms1-cli' });
  const prefix = keyPrefix(config.redis.queuePrefix);
  const sessions = new SessionStore(redis, prefix, config.sessionHistoryLimit, {
    countedKeepSeconds: config.retention.countedEventsSeconds,
  });
  const producer = new Producer(queueSetup(config, redis, logger));
  const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  try {
    if (group === 'session' && action === 'info') {
      out({ current: await sessions.current(), history: await sessions.history(5) });
    } else if (group === 'session' && action === 'clear') {
      out({ cleared: await sessions.clear() });
    } else if (group === 'session' && action === 'reset') {
      await sessions.reset();
      out({ reset: true });
    } else if (group === 'dlq' && action === 'list') {
      out(await new DeadLetters(producer, logger).list(0, Number(arg ?? 100) - 1));
    } else if (group === 'dlq' && action === 'replay' && arg === '--all') {
      out(await new DeadLetters(producer, logger).replayAll());
    } else if (group === 'dlq' && action === 'replay' && arg) {
      out(await new DeadLetters(producer, logger).replay(arg));
    } else if (group === 'poll-once') {
      const session = await sessions.current();
      if (!session) {
        process.stderr.write('no active session: start one with POST /session/start\n');
        return 1;
      }
      out({ session_id: session.sessionId, mailboxes: await enqueueSessionSync(producer, session, 'manual') });
    } else {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    return 0;
  } catch (err) {
    process.stderr.write(`ms1: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await producer.close();
    await closeRedis(redis);
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
