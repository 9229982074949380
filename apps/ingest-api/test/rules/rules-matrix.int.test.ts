import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import type { ProcessEmailData } from '@ms1/shared';
import { appEnv, startApp, testRedisUrl, uniquePrefix, waitFor } from '@ms1/test-utils';
import { ingestApiHarness } from '../helpers/ingest-api-harness';

// The rules matrix against graph-sim: ingest-api runs as a process with MAIL_RULES_FILE (no processor, so every
// e-mail a rule takes stays visible in email-inbound with the rule's name and the attachments it kept).
const CLIENT_STATE = 'client-state-for-rules';
const AP = 'ap@contoso.example';
const OTHER = 'other@contoso.example';

const RULES = {
  rules: [
    {
      name: 'suppliers',
      mailboxes: ['ap@*'],
      folders: ['inbox', 'inbox/Suppliers'],
      includeSubfolders: false,
      from: { allow: ['*@supplier.example', '*@vendor.example'], deny: ['news@*'] },
      subject: { include: ['*'], exclude: ['*reminder*'] },
      attachments: { include: ['*.pdf', '*.xml'], exclude: ['*draft*'], minBytes: 100 },
      afterActions: { forwarded: { markRead: true, categories: ['MS1: forwarded'] } },
    },
    {
      name: 'vendors',
      mailboxes: ['*'],
      folders: ['Inbox', 'Projects'],
      includeSubfolders: true,
      from: { allow: ['*@vendor.example'] },
      subject: { include: ['invoice*', 'rechnung*'] },
    },
  ],
};

interface Att {
  name: string;
  contentType: string;
  bytes: Buffer;
  isInline?: boolean;
}

/** Attachment content unique to the test, big enough for minBytes unless asked otherwise. */
function att(name: string, contentType = 'application/pdf', size = 400, isInline = false): Att {
  const head = Buffer.from(`%${name}%${Math.random()}%`);
  return {
    name,
    contentType,
    bytes: Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x41)]),
    isInline,
  };
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Mail {
  key: string;
  mailbox: string;
  folder: string;
  from: string;
  subject: string;
  attachments: Att[];
  /** The rule that must take it, or null: left alone (or in a folder no rule watches). */
  rule: string | null;
  /** The attachments that rule keeps. */
  kept: string[];
}

const MAILS: Mail[] = [
  {
    key: 'allowed, filtered attachments',
    mailbox: AP,
    folder: 'inbox',
    from: 'a@supplier.example',
    subject: 'Invoice 1',
    attachments: [
      att('inv-1.pdf'),
      att('inv-1.xml', 'application/xml'),
      att('logo.png', 'image/png'),
      att('inv-1-draft.pdf'),
      att('tiny.pdf', 'application/pdf', 50),
      att('image001.png', 'image/png'),
    ],
    rule: 'suppliers',
    kept: ['inv-1.pdf', 'inv-1.xml'],
  },
  {
    key: 'denied sender',
    mailbox: AP,
    folder: 'inbox',
    from: 'news@supplier.example',
    subject: 'Invoice news',
    attachments: [att('news.pdf')],
    rule: null,
    kept: [],
  },
  {
    key: 'excluded subject, no other rule',
    mailbox: AP,
    folder: 'inbox',
    from: 'b@supplier.example',
    subject: 'Payment Reminder',
    attachments: [att('reminder.pdf')],
    rule: null,
    kept: [],
  },
  {
    key: 'two rules match: the first takes it',
    mailbox: AP,
    folder: 'inbox',
    from: 'c@vendor.example',
    subject: 'Invoice 4',
    attachments: [att('inv-4.pdf'), att('scan-4.jpg', 'image/jpeg')],
    rule: 'suppliers',
    kept: ['inv-4.pdf'],
  },
  {
    key: 'the first rule excludes the subject, the second takes it',
    mailbox: AP,
    folder: 'inbox',
    from: 'c@vendor.example',
    subject: 'Rechnung reminder',
    attachments: [att('re-5.pdf'), att('scan-5.jpg', 'image/jpeg'), att('sig.png', 'image/png', 400, true)],
    rule: 'vendors',
    kept: ['re-5.pdf', 'scan-5.jpg'],
  },
  {
    key: 'a listed subfolder',
    mailbox: AP,
    folder: 'inbox/Suppliers',
    from: 'd@supplier.example',
    subject: 'Invoice 6',
    attachments: [att('inv-6.pdf')],
    rule: 'suppliers',
    kept: ['inv-6.pdf'],
  },
  {
    key: 'below a folder whose rule does not include subfolders',
    mailbox: AP,
    folder: 'inbox/Suppliers/2026',
    from: 'd@supplier.example',
    subject: 'Invoice 7',
    attachments: [att('inv-7.pdf')],
    rule: null,
    kept: [],
  },
  {
    key: 'below a folder whose rule includes subfolders',
    mailbox: AP,
    folder: 'inbox/Suppliers/2026',
    from: 'e@vendor.example',
    subject: 'invoice 8',
    attachments: [att('inv-8.pdf')],
    rule: 'vendors',
    kept: ['inv-8.pdf'],
  },
  {
    key: 'a display-name folder under the root, two levels down',
    mailbox: AP,
    folder: 'Projects/Alpha',
    from: 'e@vendor.example',
    subject: 'Invoice 9',
    attachments: [att('inv-9.pdf')],
    rule: 'vendors',
    kept: ['inv-9.pdf'],
  },
  {
    key: 'a folder no rule watches',
    mailbox: AP,
    folder: 'archive',
    from: 'a@supplier.example',
    subject: 'Invoice 10',
    attachments: [att('inv-10.pdf')],
    rule: null,
    kept: [],
  },
  {
    key: 'another mailbox: the first rule does not apply',
    mailbox: OTHER,
    folder: 'inbox',
    from: 'a@supplier.example',
    subject: 'Invoice 11',
    attachments: [att('inv-11.pdf')],
    rule: null,
    kept: [],
  },
  {
    key: 'another mailbox: the second rule applies',
    mailbox: OTHER,
    folder: 'inbox',
    from: 'e@vendor.example',
    subject: 'Invoice 12',
    attachments: [att('inv-12.pdf')],
    rule: 'vendors',
    kept: ['inv-12.pdf'],
  },
];

describe('mail rules against graph-sim (ingest-api process, real Redis)', () => {
  let sim: GraphSim;
  let redis: Redis;
  let inbound: Queue;
  let sync: Queue;
  const prefix = uniquePrefix('rules');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-rules-'));
  const attachmentDir = path.join(dir, 'attachments');
  const rulesFile = path.join(dir, 'rules.json');
  const ids = new Map<string, string>();
  const api = ingestApiHarness({
    prefix,
    sim: () => sim,
    env: (baseUrl) => ({
      PUBLIC_BASE_URL: baseUrl,
      WEBHOOK_CLIENT_STATE: CLIENT_STATE,
      MAILBOXES: `${AP},${OTHER}`,
      ATTACHMENT_DIR: attachmentDir,
      MAIL_RULES_FILE: rulesFile,
    }),
  });
  const { call, admin } = api;
  const inject = async (m: Omit<Mail, 'rule' | 'kept' | 'key'>) =>
    (
      (await admin('POST', `/users/${m.mailbox}/messages`, {
        folder: m.folder,
        subject: m.subject,
        from: { emailAddress: { name: 'Sender', address: m.from } },
        receivedDateTime: new Date().toISOString(),
        body: { contentType: 'text', content: 'see attached' },
        attachments: m.attachments.map((a) => ({
          '@odata.type': '#microsoft.graph.fileAttachment',
          name: a.name,
          contentType: a.contentType,
          isInline: a.isInline ?? false,
          contentBytes: a.bytes.toString('base64'),
        })),
      })) as { id: string }
    ).id;
  const jobs = async (): Promise<Job<ProcessEmailData>[]> =>
    (await inbound.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'])).filter(Boolean);
  const syncsIdle = () =>
    waitFor(
      async () =>
        (await sync.getJobs(['waiting', 'active', 'delayed', 'prioritized'])).filter((j) => j?.name === 'sync-mailbox')
          .length === 0,
      { timeoutMs: 60_000, what: 'sync rounds to finish' },
    );
  const stored = (hex: string) => fs.existsSync(path.join(attachmentDir, hex.slice(0, 2), hex));

  beforeAll(async () => {
    fs.writeFileSync(rulesFile, JSON.stringify(RULES));
    sim = await startGraphSim({ port: 0, mailboxes: [AP, OTHER] });
    trustCa(sim.caPem);
    redis = api.redis;
    inbound = api.queue('email-inbound');
    sync = api.queue('mail-sync');
    for (const m of MAILS) ids.set(m.key, await inject(m));
    await api.start();
  }, 60_000);
  afterAll(async () => {
    if (process.env.DEBUG_RULES)
      console.log(
        api.process
          ?.output()
          .split('\n')
          .filter((l) => /subscri|warn|error/i.test(l))
          .slice(-30)
          .join('\n'),
      );
    await api.close();
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes each e-mail by the first matching rule, keeps only the attachments it wants, leaves the rest alone', async () => {
    const start = await call('POST', '/session/start', { polling_mode: 'manual', enable_webhook: true });
    expect(start.status).toBe(201);
    const taken = MAILS.filter((m) => m.rule !== null);
    await waitFor(async () => (await jobs()).length >= taken.length, {
      timeoutMs: 60_000,
      what: `${taken.length} e-mails taken by the rules`,
    });
    await syncsIdle();
    const byId = new Map((await jobs()).map((j) => [j.data.messageId, j.data]));
    expect(byId.size).toBe(taken.length);
    for (const m of MAILS) {
      const data = byId.get(ids.get(m.key) ?? '');
      if (m.rule === null) {
        expect({ mail: m.key, enqueued: Boolean(data) }).toEqual({ mail: m.key, enqueued: false });
        continue;
      }
      expect({ mail: m.key, rule: data?.rule, folder: data?.folder }).toEqual({
        mail: m.key,
        rule: m.rule,
        folder: m.folder === 'Projects/Alpha' ? 'Projects/Alpha' : m.folder,
      });
      expect({ mail: m.key, kept: data?.listing.attachments.map((a) => a.name).sort() }).toEqual({
        mail: m.key,
        kept: [...m.kept].sort(),
      });
      // What a rule keeps came with the delta page and is in the store; what it excludes was never written there.
      for (const a of m.attachments) {
        const listed = data?.listing.attachments.find((l) => l.name === a.name);
        if (m.kept.includes(a.name))
          expect({ name: a.name, sha256: listed?.sha256 }).toEqual({ name: a.name, sha256: sha(a.bytes) });
        expect({ name: a.name, stored: stored(sha(a.bytes)) }).toEqual({
          name: a.name,
          stored: m.kept.includes(a.name),
        });
      }
    }
    for (const m of MAILS.filter((x) => x.rule === null))
      for (const a of m.attachments)
        expect({ name: a.name, stored: stored(sha(a.bytes)) }).toEqual({ name: a.name, stored: false });

    const session = (await call('GET', '/session/status')).body.session as { counters: Record<string, number> };
    // Left alone: the denied sender, the excluded subject, the subfolder suppliers does not watch, the other mailbox's.
    expect(session.counters.leftAlone).toBe(4);
    expect(session.counters.enqueued).toBe(taken.length);
    // logo.png, the draft, tiny.pdf, image001.png; scan-4.jpg; sig.png (inline).
    expect(session.counters.excludedAttachments).toBe(6);

    // Each watched folder has its own cursor; the archive (not watched) has none, nor the other mailbox's Projects
    // (a folder the rules name that does not exist there).
    const cursors = (await redis.keys(`{${prefix}}:delta:*`)).map((k) => k.slice(`{${prefix}}:delta:`.length)).sort();
    expect(cursors).toEqual(
      [
        `${AP}:inbox`,
        `${AP}:inbox/Suppliers`,
        `${AP}:inbox/Suppliers/2026`,
        `${AP}:Projects`,
        `${AP}:Projects/Alpha`,
        `${OTHER}:inbox`,
      ].sort(),
    );
  });

  it('has one subscription per watched folder, and a notification of a subfolder syncs that folder', async () => {
    const folders = async () =>
      Object.values(await redis.hgetall(`{${prefix}}:subscriptions`))
        .map((raw) => JSON.parse(raw) as { mailboxId: string; folder: string })
        .map((s) => `${s.mailboxId}:${s.folder}`)
        .sort();
    const expected = [
      `${AP}:inbox`,
      `${AP}:inbox/Suppliers`,
      `${AP}:inbox/Suppliers/2026`,
      `${AP}:Projects`,
      `${AP}:Projects/Alpha`,
      `${OTHER}:inbox`,
    ].sort();
    await waitFor(async () => (await folders()).length === expected.length, {
      what: `the subscriptions; output:\n${api.process
        ?.output()
        .split('\n')
        .filter((l) => /subscri|warn|error/i.test(l))
        .slice(-10)
        .join('\n')}`,
    });
    expect(await folders()).toEqual(expected);

    const before = (await jobs()).length;
    const id = await inject({
      mailbox: AP,
      folder: 'inbox/Suppliers/2026',
      from: 'f@vendor.example',
      subject: 'Invoice 13',
      attachments: [att('inv-13.pdf')],
    });
    const job = await waitFor(async () => (await jobs()).find((j) => j.data.messageId === id), {
      timeoutMs: 60_000,
      what: 'the e-mail notified in a subfolder',
    });
    expect(job.data).toMatchObject({ rule: 'vendors', folder: 'inbox/Suppliers/2026' });
    const syncs = (await sync.getJobs(['completed', 'active', 'waiting'])).filter(
      (j) => j?.name === 'sync-mailbox' && j.data.trigger === 'webhook',
    );
    expect(syncs.map((j) => j.data.folder as string)).toContain('inbox/Suppliers/2026');
    await syncsIdle();
    expect((await jobs()).length).toBe(before + 1);
    expect((await call('POST', '/session/stop', {})).status).toBe(200);
  });

  it('refuses to start with a wrong rules file, in one line naming the rule and the field', async () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({ rules: [{ name: 'ok' }, { name: 'suppliers', attachments: { minBytes: 'big' } }] }),
    );
    const broken = await startApp('ingest-api', {
      env: appEnv(testRedisUrl(), prefix, { MAIL_RULES_FILE: bad, PORT: '0' }),
      noWait: true,
    });
    try {
      const { code } = await broken.exited;
      expect(code).toBe(1);
      expect(broken.output().trim()).toBe(
        'MAIL_RULES_FILE: rule "suppliers" (rules[1]): attachments.minBytes must be a number',
      );
    } finally {
      await broken.kill9(); // (had it started after all)
    }
  });
});
