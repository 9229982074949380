import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startGraphSim, type GraphSim, type StatsSnapshot } from '../src';
import { admin, appToken, graphFetch } from './helpers/clients';
import { trustCa } from './helpers/trust-ca';

interface SeededExpectation {
  case: string;
  invoice: boolean;
  malformed: boolean;
  invoices: unknown[];
}

interface SeedTally {
  emails: number;
  invoiceEmails: number;
  expectedInvoices: number;
  nonInvoiceEmails: number;
  malformedEmails: number;
  byMailbox: Record<string, number>;
}

const PKG = join(__dirname, '..');
const ROOT = join(PKG, '..', '..');

describe('admin API', () => {
  let sim: GraphSim;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: ['seed@contoso.example'] });
    trustCa(sim.caPem);
  });
  afterAll(() => sim.stop());

  it('seeds generated e-mails, lists them, counts stats and resets', async () => {
    const seeded = await admin<{
      mailbox: string;
      count: number;
      emails: { id: string; expected: SeededExpectation }[];
    }>(sim, 'POST', '/seed', { mailbox: 'seed@contoso.example', count: 30, seed: 7 });
    expect(seeded.status).toBe(201);
    expect(seeded.body.count).toBe(30);
    expect(seeded.body.emails[0].expected.case).toBeTruthy();
    const again = await admin<{ emails: { expected: SeededExpectation }[] }>(sim, 'POST', '/seed', {
      mailbox: 'other@contoso.example',
      count: 30,
      seed: 7,
    });
    expect(again.body.emails).toHaveLength(30);

    // The tally adds up what both answers said, e-mail by e-mail.
    const outcomes = [...seeded.body.emails, ...again.body.emails].map((e) => e.expected);
    const invoiceEmails = outcomes.filter((o) => o.invoice);
    expect(invoiceEmails.length).toBeGreaterThan(0);
    expect((await admin<SeedTally>(sim, 'GET', '/seed')).body).toEqual({
      emails: 60,
      invoiceEmails: invoiceEmails.length,
      expectedInvoices: invoiceEmails.reduce((n, o) => n + o.invoices.length, 0),
      nonInvoiceEmails: outcomes.filter((o) => !o.invoice && !o.malformed).length,
      malformedEmails: outcomes.filter((o) => !o.invoice && o.malformed).length,
      byMailbox: { 'seed@contoso.example': 30, 'other@contoso.example': 30 },
    });

    const listed = await admin<{ count: number; messages: { id: string }[] }>(
      sim,
      'GET',
      '/users/seed@contoso.example/messages',
    );
    expect(listed.body.count).toBe(30);
    expect(listed.body.messages.map((m) => m.id).sort()).toEqual(seeded.body.emails.map((e) => e.id).sort());

    const token = await appToken(sim);
    const res = await graphFetch(
      sim,
      token,
      '/users/seed@contoso.example/mailFolders/inbox/messages?$top=5&$expand=attachments',
    );
    expect(res.status).toBe(200);
    const stats = (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body;
    expect(stats.requests.total).toBe(1);
    expect(stats.requests.byKind.list).toBe(1);
    expect(stats.requests.byMailbox['seed@contoso.example']).toBe(1);
    expect(stats.bytesServed).toBeGreaterThan(0);

    expect((await admin(sim, 'PUT', '/config', { errorRate: 2 })).status).toBe(400);
    expect((await admin<{ errorRate: number }>(sim, 'PUT', '/config', { errorRate: 0.1 })).body.errorRate).toBe(0.1);

    await admin(sim, 'POST', '/reset');
    const after = (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body;
    expect(after.requests.total).toBe(0);
    expect((await admin<{ count: number }>(sim, 'GET', '/users/seed@contoso.example/messages')).body.count).toBe(0);
    expect((await admin<SeedTally>(sim, 'GET', '/seed')).body).toMatchObject({ emails: 0, expectedInvoices: 0 });
  });

  it('counts the e-mails seeded at start, which are all there once the server answers', async () => {
    const seededAtStart = await startGraphSim({
      port: 0,
      mailboxes: ['a@contoso.example', 'b@contoso.example'],
      seed: 12,
    });
    trustCa(seededAtStart.caPem);
    try {
      const tally = (await admin<SeedTally>(seededAtStart, 'GET', '/seed')).body;
      expect(tally.emails).toBe(24);
      expect(tally.byMailbox).toEqual({ 'a@contoso.example': 12, 'b@contoso.example': 12 });
      expect(tally.invoiceEmails + tally.nonInvoiceEmails + tally.malformedEmails).toBe(24);
      expect(tally.expectedInvoices).toBeGreaterThanOrEqual(tally.invoiceEmails);
      const listed = await admin<{ count: number }>(seededAtStart, 'GET', '/users/b@contoso.example/messages');
      expect(listed.body.count).toBe(12);
    } finally {
      await seededAtStart.stop();
    }
  });
});

describe('command line', () => {
  beforeAll(() => {
    const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
    const r = spawnSync(process.execPath, [tsc, '--build', join(PKG, 'tsconfig.json')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
  });

  it('prints one JSON line first, serves seeded mailboxes, and exits on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        join(PKG, 'dist', 'cli.js'),
        '--',
        '--port',
        '0',
        '--mailboxes',
        'a@contoso.example,b@contoso.example',
        '--seed',
        '5',
        '--time-scale',
        '60',
        '--latency-jitter-ms',
        '5',
        '--latency',
        'real',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const info = JSON.parse(first) as {
        graphBaseUrl: string;
        authorityHost: string;
        adminUrl: string;
        caFile: string;
      };
      expect(Object.keys(info)).toEqual(['graphBaseUrl', 'authorityHost', 'adminUrl', 'caFile']);
      expect(info.graphBaseUrl).toBe(`${info.authorityHost}/v1.0`);
      trustCa(readFileSync(info.caFile, 'utf8'));
      const listed = (await (await fetch(`${info.adminUrl}/users/b@contoso.example/messages`)).json()) as {
        count: number;
      };
      expect(listed.count).toBe(5);
      const config = (await (await fetch(`${info.adminUrl}/config`)).json()) as { latency: unknown; timeScale: number };
      expect(config.latency).toEqual({ fixedMs: 120, perKbMs: 0.1, jitterMs: 5 });
      expect(config.timeScale).toBe(60);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
