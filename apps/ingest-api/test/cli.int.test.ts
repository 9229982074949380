import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import {
  createLogger,
  DeadLetters,
  jobIds,
  JobName,
  loadConfig,
  Producer,
  queueSetup,
  SessionStore,
} from '@ms1/shared';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../dist/cli.js');

describe('ms1 CLI (same stores and controller as the API)', () => {
  const prefix = uniquePrefix('cli');
  const env = {
    PATH: process.env.PATH,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'error',
    MAILBOXES: 'a@x.example,b@x.example',
  };
  /** Runs the CLI; answers its exit code and output, whatever the code. */
  const exec = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const cli = async (...args: string[]) => {
    const r = await exec(...args);
    if (r.code !== 0) throw new Error(`ms1 ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  let redis: Redis;
  let producer: Producer;
  let store: SessionStore;
  const schedulers = async () => (await producer.queue('mail-sync').getJobSchedulers()).map((s) => s.key).sort();
  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const config = loadConfig('tool', { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix });
    producer = new Producer(
      queueSetup(config, redis, createLogger({ service: 'test', level: 'error', format: 'json', secrets: [] })),
    );
    store = new SessionStore(redis, `{${prefix}}`);
  });
  afterAll(async () => {
    await producer.close();
    redis.disconnect();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('prints its commands for --help, help and <command> --help (exit 0); refuses what it does not know (exit 2)', async () => {
    for (const args of [['--help'], ['help'], ['session', '--help'], ['poll-once', '--help'], ['--', '--help']]) {
      const r = await exec(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      expect(r.stdout).toContain('poll-once [--mailbox M]');
      expect(r.stdout).toContain('session start [--mode scheduled|manual] [--interval S] [--no-webhook]');
    }
    for (const args of [[], ['sessions'], ['session', 'start', '--colour', 'red'], ['poll-once', '--mailbox']]) {
      const r = await exec(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain('usage: pnpm ms1');
    }
    const bad = await exec('session', 'start', '--mode', 'hourly');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--mode must be one of [scheduled, manual]');
  });

  it('starts, stops, clears and resets the session through the same controller as the API', async () => {
    const started = await cli('session', 'start', '--mode', 'scheduled', '--interval', '60', '--no-webhook');
    expect(started).toMatchObject({
      status: 'active',
      polling_mode: 'scheduled',
      polling_interval: 60,
      enable_webhook: false,
      mailboxes: ['a@x.example', 'b@x.example'],
    });
    expect(await schedulers()).toEqual(['polling']);
    // The first round of each mailbox was asked for, as the API does.
    const syncs = await producer.getJobs(JobName.SyncMailbox, ['waiting']);
    expect(syncs.map((j) => j.data.mailboxId).sort()).toEqual(['a@x.example', 'b@x.example']);
    const again = await exec('session', 'start');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('a session is already active');
    expect(await cli('session', 'info')).toMatchObject({ current: { sessionId: started.session_id } });

    expect(await cli('session', 'stop', '--reason', 'maintenance')).toMatchObject({
      session_id: started.session_id,
      status: 'stopped',
      stop_reason: 'maintenance',
    });
    expect(await schedulers()).toEqual([]);
    expect((await exec('session', 'stop')).code).toBe(1);

    await cli(
      'session',
      'start',
      '--mode',
      'scheduled',
      '--interval',
      '30',
      '--no-webhook',
      '--mailboxes',
      'c@x.example',
    );
    expect(await schedulers()).toEqual(['polling']);
    expect(await cli('session', 'clear')).toEqual({ cleared: true });
    expect(await store.current()).toBeNull();
    expect(await schedulers()).toEqual([]); // no scheduler outlives a cleared session
    expect((await store.history()).map((s) => s.stopReason)).toEqual(['maintenance']);

    await cli('session', 'start', '--mode', 'scheduled', '--no-webhook');
    expect(await cli('session', 'reset')).toEqual({ reset: true });
    expect(await store.current()).toBeNull();
    expect(await store.history()).toEqual([]);
    expect(await schedulers()).toEqual([]);
  });

  it('says which credentials poll-once misses', async () => {
    const r = await exec('poll-once');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('set TENANT_ID, CLIENT_ID and CLIENT_SECRET');
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
