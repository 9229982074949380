import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import {
  DeadLetters,
  jobIds,
  JobName,
  loadConfig,
  Producer,
  queueSetup,
  SessionStore,
  createLogger,
} from '@ms1/shared';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../dist/cli.js');

describe('ms1 CLI (same stores as the API)', () => {
  const prefix = uniquePrefix('cli');
  const env = { PATH: process.env.PATH, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix, LOG_LEVEL: 'error' };
  const cli = async (...args: string[]) =>
    JSON.parse((await run(process.execPath, [CLI, ...args], { env })).stdout) as Record<string, unknown>;
  let redis: Redis;
  let producer: Producer;
  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const config = loadConfig('tool', { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix });
    producer = new Producer(
      queueSetup(config, redis, createLogger({ service: 'test', level: 'error', format: 'json', secrets: [] })),
    );
  });
  afterAll(async () => {
    await producer.close();
    redis.disconnect();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('shows, polls and clears the session', async () => {
    const store = new SessionStore(redis, `{${prefix}}`);
    const s = await store.start({
      pollingMode: 'manual',
      pollingIntervalSeconds: 300,
      enableWebhook: false,
      mailboxes: ['a@x.example', 'b@x.example'],
      folder: 'inbox',
    });
    expect(await cli('session', 'info')).toMatchObject({ current: { sessionId: s.sessionId, status: 'active' } });
    expect(await cli('poll-once')).toEqual({ session_id: s.sessionId, mailboxes: 2 });
    expect((await producer.queue('mail-sync').getJobCounts('waiting')).waiting).toBe(2);
    expect(await cli('session', 'clear')).toEqual({ cleared: true });
    expect(await store.current()).toBeNull();
  });

  it('lists and replays dead letters', async () => {
    const dl = new DeadLetters(
      producer,
      createLogger({ service: 'test', level: 'error', format: 'json', secrets: [] }),
    );
    const data = {
      sessionId: 's',
      mailboxId: 'a@x.example',
      messageId: 'm1',
      receivedDateTime: '2026-11-01T00:00:00Z',
      listing: {
        subject: null,
        from: null,
        internetMessageId: null,
        hasAttachments: false,
        bodyPreview: null,
        attachments: [],
      },
    };
    const job = await producer.add(JobName.ProcessEmail, data, { jobId: jobIds.processEmail('a@x.example', 'm1') });
    await dl.record(job, new Error('corrupt PDF'));
    await job.remove();
    const listed = await cli('dlq', 'list');
    expect(listed).toMatchObject({ total: 1, entries: [{ jobId: 'a@x.example~m1', failedReason: 'corrupt PDF' }] });
    expect(await cli('dlq', 'replay', 'email-inbound~a@x.example~m1')).toMatchObject({
      status: 'replayed',
      jobId: 'a@x.example~m1',
    });
    expect((await producer.queue('email-inbound').getJobCounts('waiting')).waiting).toBe(1);
    expect(await cli('dlq', 'list')).toMatchObject({ total: 0 });
  });
});
