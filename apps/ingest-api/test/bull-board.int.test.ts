import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { chromium, type Browser } from 'playwright-core';
import { createLogger, DeadLetters, jobIds, JobName, loadConfig, Producer, queueSetup } from '@ms1/shared';
import { appEnv, cleanPrefix, freePort, startApp, testRedisUrl, uniquePrefix, type AppProcess } from '@ms1/test-utils';

// Bull Board as an operator sees it: a real browser (Debian's Chromium), basic auth with the control API token.
const TOKEN = 'test-control-token';

describe('Bull Board in a browser', () => {
  let api: AppProcess;
  let browser: Browser;
  let base: string;
  const prefix = uniquePrefix('board');

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = await startApp('ingest-api', {
      env: appEnv(testRedisUrl(), prefix, { PORT: String(port), INGEST_ROLES: 'http' }),
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('shows every queue, the dead-letter queue with its entry included', async () => {
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const logger = createLogger({ service: 'test', level: 'error', format: 'json', secrets: [] });
    const producer = new Producer(
      queueSetup(loadConfig('tool', { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix }), redis, logger),
    );
    const job = await producer.add(
      JobName.ProcessEmail,
      {
        sessionId: 's',
        mailboxId: 'a@x.example',
        messageId: 'm-board',
        receivedDateTime: '2026-11-01T00:00:00Z',
        listing: {
          subject: 'Invoice',
          from: null,
          internetMessageId: null,
          hasAttachments: false,
          bodyPreview: null,
          attachments: [],
        },
      },
      { jobId: jobIds.processEmail('a@x.example', 'm-board') },
    );
    await new DeadLetters(producer, logger).record(job, new Error('corrupt PDF'));
    await producer.close();
    redis.disconnect();

    // Without credentials the browser is challenged for basic auth (and headless Chromium gives up).
    const anonymous = await browser.newContext();
    await expect((await anonymous.newPage()).goto(`${base}/admin/queues`)).rejects.toThrow(
      /ERR_INVALID_AUTH_CREDENTIALS/,
    );
    await anonymous.close();

    const context = await browser.newContext({ httpCredentials: { username: 'operator', password: TOKEN } });
    const page = await context.newPage();
    const res = await page.goto(`${base}/admin/queues`);
    expect(res?.status()).toBe(200);
    for (const name of ['mail-sync', 'mail-sync-results', 'email-inbound', 'ms4-outbound', 'dead-letter']) {
      await page.getByText(name, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    await page.goto(`${base}/admin/queues/queue/dead-letter?status=waiting`);
    await page.getByText('email-inbound~a@x.example~m-board').first().waitFor({ timeout: 15_000 });
    const shot = path.join(os.tmpdir(), `bull-board-${prefix}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    await context.close();
  });
});
