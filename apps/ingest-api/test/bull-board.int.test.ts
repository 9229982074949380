import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { chromium, type Browser } from 'playwright-core';
import { createLogger, DeadLetters, jobIds, JobName, loadConfig, Producer, queueContext } from '@ms1/shared';
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
      queueContext(loadConfig('tool', { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix }), redis, logger),
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
    await new DeadLetters(producer, logger).record('email-inbound', job, new Error('corrupt PDF'));
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
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    const res = await page.goto(`${base}/admin/queues`);
    expect(res?.headers()['x-frame-options']).toBe('DENY');
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res?.status()).toBe(200);
    for (const name of ['mail-sync', 'mail-sync-results', 'email-inbound', 'ms4-outbound', 'dead-letter']) {
      await page.getByText(name, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    await page.goto(`${base}/admin/queues/queue/dead-letter?status=waiting`);
    await page.getByText('email-inbound~a@x.example~m-board').first().waitFor({ timeout: 15_000 });
    const shot = path.join(os.tmpdir(), `bull-board-${prefix}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    // The board works under its Content Security Policy: nothing of its own is refused, only the third-party font.
    expect(refused.filter((line) => !line.includes('fonts.googleapis.com'))).toEqual([]);
    await context.close();
  });

  describe('from another site', () => {
    let evil: http.Server;
    let evilBase: string;
    beforeAll(async () => {
      // A page of another origin (another port of this host: same-site, cross-origin) that frames Bull Board and
      // posts a form to the control API, as an attacker's page would while an operator has Bull Board open.
      evil = http.createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        if (req.url === '/frame')
          res.end(`<iframe id="board" src="${base}/admin/queues" width="800" height="600"></iframe>`);
        else
          res.end(
            `<form id="f" method="POST" action="${base}/session/start"><input name="polling_mode" value="scheduled"></form>` +
              '<script>document.getElementById("f").submit()</script>',
          );
      });
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      const address = evil.address();
      evilBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => {
        evil.close(() => resolve());
        evil.closeAllConnections();
      });
    });

    it('cannot frame Bull Board (clickjacking)', async () => {
      const context = await browser.newContext({ httpCredentials: { username: 'operator', password: TOKEN } });
      try {
        const page = await context.newPage();
        const refusals: string[] = [];
        page.on('console', (m) => refusals.push(m.text()));
        const framed = page.waitForResponse((r) => r.url() === `${base}/admin/queues` && r.status() === 200);
        await page.goto(`${evilBase}/frame`);
        await framed; // the board answered (with credentials), and the browser refused to show it in the frame
        await page.waitForTimeout(500);
        const frame = page.frames().find((f) => f !== page.mainFrame());
        const shown = frame ? await frame.content().catch(() => '') : '';
        expect(shown).not.toContain('MS1 queues');
        expect(shown).not.toContain('static/js/main');
        expect(refusals.join('\n')).toMatch(/frame-ancestors 'none'|X-Frame-Options/);
      } finally {
        await context.close();
      }
    });

    it('cannot start a session with a forged form post, even with Bull Board credentials in the browser', async () => {
      const context = await browser.newContext({ httpCredentials: { username: 'operator', password: TOKEN } });
      try {
        const page = await context.newPage();
        await page.goto(`${base}/admin/queues`); // the operator has the board open: the browser holds the credentials
        const answer = page.waitForResponse((r) => r.url() === `${base}/session/start`);
        await page.goto(`${evilBase}/form`);
        const res = await answer;
        expect(res.status()).toBe(403);
        expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
        const status = await fetch(`${base}/session/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(await status.json()).toMatchObject({ active: false });
      } finally {
        await context.close();
      }
    });
  });
});
