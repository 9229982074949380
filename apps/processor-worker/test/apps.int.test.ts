import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startMs4Sim } from '@ms1/ms4-sim';
import { LocalDirectoryStore } from '@ms1/shared';
import { appEnv, cleanPrefix, startApp, testRedisUrl, uniquePrefix, waitFor, type AppProcess } from '@ms1/test-utils';
import { fixturePath } from './helpers/fixtures';

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
    running.push(p);
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

  it('carries an invoice e-mail from email-inbound through processor-worker and ms4-sender to MS4', async () => {
    const prefix = uniquePrefix('wire');
    const attachmentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-wire-'));
    const ms4 = await startMs4Sim({ port: 0 });
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const inbound = new Queue('email-inbound', { connection, prefix: `{${prefix}}` });
    try {
      const env = appEnv(testRedisUrl(), prefix, {
        ATTACHMENT_DIR: attachmentDir,
        MS4_BASE_URL: ms4.baseUrl,
        MS4_BATCH_MAX_WAIT_MS: '100',
        // Two, not the default one: every thread of the pool must be warm before the first e-mail.
        EXTRACT_THREADS: '2',
      });
      const processor = await startApp('processor-worker', { env });
      running.push(processor);
      // It took e-mails only once every reader thread had read every sample invoice of its warm-up, shipped with it.
      const warm = processor
        .output()
        .split('\n')
        .filter((line) => line.includes('"reader threads'))
        .map((line) => JSON.parse(line) as { message: string; threads: number; samplesFound: number[] });
      expect(warm).toEqual([
        expect.objectContaining({ message: 'reader threads warm', threads: 2, reported: 2, samples: 4 }),
      ]);
      expect(warm[0]?.samplesFound).toEqual([4, 4]);
      running.push(await startApp('ms4-sender', { env }));
      const xml = fs.readFileSync(fixturePath('ubl/ubl-tc434-example1.xml'));
      const stored = await new LocalDirectoryStore(attachmentDir, 1 << 20).put(xml);
      await inbound.add(
        'process-email',
        {
          sessionId: 's1',
          mailboxId: 'ap@contoso.example',
          messageId: 'wired-1',
          receivedDateTime: '2026-11-01T10:00:00Z',
          listing: {
            subject: 'Invoice 1',
            from: { name: 'S', address: 's@x.example' },
            internetMessageId: '<1@x>',
            hasAttachments: true,
            bodyPreview: null,
            attachments: [
              {
                id: 'att-1',
                name: 'invoice.xml',
                contentType: 'application/xml',
                size: xml.length,
                isInline: false,
                sha256: stored.sha256,
                storageRef: stored.storageRef,
              },
            ],
          },
        },
        { jobId: 'ap@contoso.example~wired-1' },
      );
      const items = await waitFor(
        async () => {
          const list = (await (await fetch(`${ms4.adminUrl}/items`)).json()) as {
            messageId: string;
            invoice: { number: string; format: string };
          }[];
          return list.length > 0 ? list : null;
        },
        { timeoutMs: 20_000, what: 'the item at MS4' },
      );
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ messageId: 'wired-1', invoice: { format: 'ubl', number: '12115118' } });
    } finally {
      await inbound.close();
      connection.disconnect();
      await ms4.stop();
      await cleanPrefix(testRedisUrl(), prefix);
      fs.rmSync(attachmentDir, { recursive: true, force: true });
    }
  });
});
