import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { appEnv, cleanPrefix, startApp, testRedisUrl, uniquePrefix, waitFor, type AppProcess } from '@ms1/test-utils';

// The three apps as separate processes (built dist), wired only through Redis.
const APPS = ['ingest-api', 'processor-worker', 'ms4-sender'] as const;

describe('apps as processes', () => {
  const running: AppProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });

  it.each(APPS)('%s refuses to start with one line naming a missing variable', async (app) => {
    const env = appEnv(testRedisUrl(), uniquePrefix('cfg'));
    const missing = app === 'ms4-sender' ? 'MS4_BASE_URL' : 'CLIENT_ID';
    delete env[missing];
    const p = await startApp(app, { env, noWait: true });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.output().trim()).toBe(`Invalid configuration for ${app}: ${missing} is required`);
  });

  it.each(APPS)('%s starts, logs its start and exits 0 on SIGTERM', async (app) => {
    const prefix = uniquePrefix('start');
    const p = await startApp(app, { env: appEnv(testRedisUrl(), prefix) });
    running.push(p);
    expect(p.output()).toMatch(/"message":"started"/);
    expect(await p.stop()).toBe(0);
    expect(p.output()).toMatch(/"message":"shutdown complete"/);
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('carries a message from email-inbound through processor-worker to ms4-outbound and ms4-sender', async () => {
    const prefix = uniquePrefix('wire');
    const env = appEnv(testRedisUrl(), prefix);
    running.push(await startApp('processor-worker', { env }), await startApp('ms4-sender', { env }));
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const inbound = new Queue('email-inbound', { connection, prefix: `{${prefix}}` });
    const outbound = new Queue('ms4-outbound', { connection, prefix: `{${prefix}}` });
    try {
      await inbound.add('process-email', {
        sessionId: 's1', mailboxId: 'ap@contoso.example', messageId: 'wired-1', receivedDateTime: '2026-11-01T10:00:00Z',
        listing: { subject: 'Invoice 1', from: { name: 'S', address: 's@x.example' }, internetMessageId: '<1@x>', hasAttachments: false, bodyPreview: null, attachments: [] },
      }, { jobId: 'ap@contoso.example~wired-1' });
      await waitFor(async () => (await inbound.getCompletedCount()) === 1 && (await outbound.getCompletedCount()) === 1, { timeoutMs: 20_000, what: 'job through both workers' });
      const [sent] = await outbound.getCompleted();
      expect(sent?.data).toMatchObject({ messageId: 'wired-1', mailboxId: 'ap@contoso.example', sessionId: 's1' });
    } finally {
      await inbound.close();
      await outbound.close();
      connection.disconnect();
      await cleanPrefix(testRedisUrl(), prefix);
    }
  });
});
