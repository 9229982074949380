import { QueueEvents } from 'bullmq';
import { waitFor } from '@ms1/test-utils';
import {
  childResults,
  createWorker,
  DeadLetterConflictError,
  DeadLetterNotFoundError,
  enqueueBackfillLane,
  enqueueMailboxSync,
  jobIds,
  JobQueue,
  JobName,
  PermanentError,
  QueueName,
  RetryableError,
  ThrottledError,
  type JobHandler,
  type SourceJobName,
} from '../src';
import { emailData, emailOutcome, invoiceItem, queueHarness, type QueueHarness } from './helpers';
import { REDIS_KINDS, redisOfEachKind } from './redis-targets';

const email = (messageId: string) => emailData(messageId);

const redisKinds = redisOfEachKind();

describe.each(REDIS_KINDS)('dead-letter routing and replay (real Redis: %s)', (kind) => {
  const target = redisKinds.use(kind);
  let h: QueueHarness;
  let worker: { close(): Promise<void> } | undefined;
  beforeEach(async () => {
    h = await queueHarness({ JOB_ATTEMPTS: '3' }, target());
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await h.close();
  });

  const start = (handler: JobHandler<'process-email'>) => {
    worker = createWorker(
      QueueName.EmailInbound,
      { 'process-email': handler },
      { queueSetup: h.queueSetup, deadLetters: h.deadLetters, concurrency: 2 },
    );
    return worker;
  };

  it('sends a PermanentError straight to dead-letter with its reason, and replays it with fresh attempts', async () => {
    let calls = 0;
    let poison = true;
    start(async (job) => {
      calls++;
      if (poison) throw new PermanentError(`attachment of ${job.data.messageId} is not a PDF`);
      return emailOutcome(job.data);
    });
    const id = jobIds.processEmail('ap@contoso.example', 'm-poison');
    await h.producer.add(JobName.ProcessEmail, email('m-poison'), { jobId: id });

    const dlqId = jobIds.deadLetter('email-inbound', id);
    const entry = await waitFor(() => h.deadLetters.get(dlqId), { what: 'dead-letter entry' });
    expect(calls).toBe(1); // not retried
    expect(entry).toMatchObject({
      sourceQueue: 'email-inbound',
      jobName: 'process-email',
      jobId: id,
      failedReason: 'attachment of m-poison is not a PDF',
      attemptsMade: 1,
    });
    expect(entry.data).toMatchObject({ messageId: 'm-poison' });
    expect(entry.stacktrace.length).toBeGreaterThan(0);
    expect(new Date(entry.failedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await h.deadLetters.list()).total).toBe(1);
    const original = await h.producer.queue(QueueName.EmailInbound).getJob(id);
    expect(await original?.getState()).toBe('failed');

    poison = false;
    const result = await h.deadLetters.replay(dlqId);
    expect(result).toEqual({ id: dlqId, status: 'replayed', sourceQueue: 'email-inbound', jobId: id });
    await waitFor(
      async () =>
        (await h.producer.queue(QueueName.EmailInbound).getJob(id))?.finishedOn &&
        (await (await h.producer.queue(QueueName.EmailInbound).getJob(id))?.getState()) === 'completed',
      { what: 'replayed job completed' },
    );
    const replayed = await h.producer.queue(QueueName.EmailInbound).getJob(id);
    expect(replayed?.attemptsMade).toBe(1); // fresh attempt count: this one attempt only
    expect(calls).toBe(2);
    expect(await h.deadLetters.get(dlqId)).toBeNull();
  });

  it('dead-letters a job only once it has exhausted its attempts', async () => {
    let calls = 0;
    start(async () => {
      calls++;
      throw new RetryableError('MS4 answered 503');
    });
    const id = jobIds.processEmail('ap@contoso.example', 'm-flaky');
    await h.producer.add(JobName.ProcessEmail, email('m-flaky'), { jobId: id, backoff: { type: 'fixed', delay: 10 } });
    const entry = await waitFor(() => h.deadLetters.get(jobIds.deadLetter('email-inbound', id)), {
      what: 'dead-letter entry',
    });
    expect(calls).toBe(3);
    expect(entry).toMatchObject({ attemptsMade: 3, failedReason: 'MS4 answered 503' });
  });

  it('delays a throttled job without spending an attempt', async () => {
    let calls = 0;
    start(async (job) => {
      calls++;
      if (calls <= 2) throw new ThrottledError('Graph said 429', 50);
      return emailOutcome(job.data);
    });
    const eventsConnection = target().connect();
    const events = new QueueEvents(QueueName.EmailInbound, {
      connection: eventsConnection,
      prefix: h.queueSetup.prefix,
    });
    const id = jobIds.processEmail('ap@contoso.example', 'm-throttled');
    const job = await h.producer.add(JobName.ProcessEmail, email('m-throttled'), { jobId: id, attempts: 1 });
    try {
      await job.waitUntilFinished(events, 10_000);
    } finally {
      await events.close();
      eventsConnection.disconnect();
    }
    const done = await h.producer.queue(QueueName.EmailInbound).getJob(id);
    expect(calls).toBe(3);
    expect(done?.attemptsMade).toBe(1); // the two throttled runs spent no attempt
    expect(await done?.getState()).toBe('completed');
    expect((await h.deadLetters.list()).total).toBe(0);
  });

  it('dead-letters a job whose name has no handler (written to Redis outside the typed producer)', async () => {
    start(async (job) => emailOutcome(job.data));
    await h.producer.queue(QueueName.EmailInbound).add('not-a-job-of-ours', email('stray'), { jobId: 'stray' });
    const entry = await waitFor(() => h.deadLetters.get(jobIds.deadLetter('email-inbound', 'stray')), {
      what: 'dead-letter entry',
    });
    expect(entry.failedReason).toBe('no handler for job "not-a-job-of-ours" on queue email-inbound');
  });

  it('dead-letters a job BullMQ fails by itself for stalling too often (no message matching involved)', async () => {
    // A worker takes the job and then dies without a word (forced close: its lock is no longer renewed).
    const doomed = createWorker(
      QueueName.EmailInbound,
      { 'process-email': () => new Promise<never>(() => undefined) },
      { queueSetup: h.queueSetup, deadLetters: h.deadLetters, options: { lockDuration: 1000, stalledInterval: 500 } },
    );
    const id = jobIds.processEmail('ap@contoso.example', 'm-stalled');
    try {
      await h.producer.add(JobName.ProcessEmail, email('m-stalled'), { jobId: id });
      await waitFor(async () => (await h.producer.queue(QueueName.EmailInbound).getActiveCount()) === 1, {
        what: 'the job to be taken',
      });
    } finally {
      await doomed.close(true);
    }
    // Another worker finds it stalled; with maxStalledCount 0 BullMQ fails it for good on its next pick-up.
    let ran = false;
    worker = createWorker(
      QueueName.EmailInbound,
      {
        'process-email': async (job) => {
          ran = true;
          return emailOutcome(job.data);
        },
      },
      { queueSetup: h.queueSetup, deadLetters: h.deadLetters, options: { stalledInterval: 500, maxStalledCount: 0 } },
    );
    const entry = await waitFor(() => h.deadLetters.get(jobIds.deadLetter('email-inbound', id)), {
      timeoutMs: 30_000,
      what: 'dead-letter entry of the stalled job',
    });
    expect(entry.failedReason).toBe('job stalled more than allowable limit');
    expect(ran).toBe(false);
  });

  it('keeps dead letters for their age and count: each new one trims the expired, then the oldest', async () => {
    await h.close();
    h = await queueHarness({ JOB_ATTEMPTS: '1', DEAD_LETTER_KEEP_COUNT: '3', DEAD_LETTER_KEEP_SECONDS: '3600' });
    const dlq = h.producer.queue(QueueName.DeadLetter);
    // Two entries written two hours ago (BullMQ keeps the time a job was added).
    for (const m of ['old-1', 'old-2'])
      await h.producer.add(
        JobName.DeadLetter,
        {
          sourceQueue: QueueName.EmailInbound,
          jobName: JobName.ProcessEmail,
          jobId: jobIds.processEmail('ap@contoso.example', m),
          data: email(m),
          failedReason: 'old',
          attemptsMade: 1,
          stacktrace: [],
          failedAt: new Date(Date.now() - 7_200_000).toISOString(),
        },
        { jobId: `email-inbound~${m}`, timestamp: Date.now() - 7_200_000 },
      );
    start(async () => {
      throw new PermanentError('bad');
    });
    for (const m of ['n1', 'n2', 'n3', 'n4']) {
      await h.producer.add(JobName.ProcessEmail, email(m), { jobId: jobIds.processEmail('ap@contoso.example', m) });
      await waitFor(
        async () => (await dlq.getJob(`email-inbound~${jobIds.processEmail('ap@contoso.example', m)}`)) !== undefined,
        {
          what: `dead letter of ${m}`,
        },
      );
    }
    await waitFor(async () => (await h.deadLetters.list()).total === 3, { what: 'the dead-letter queue trimmed to 3' });
    const kept = (await h.deadLetters.list()).entries.map((e) => (e.data as { messageId: string }).messageId).sort();
    expect(kept).toEqual(['n2', 'n3', 'n4']); // the aged ones first, then the oldest beyond the count
  });

  it('replays every entry with replayAll and reports unknown ids', async () => {
    let fail = true;
    start(async (job) => {
      if (fail) throw new PermanentError('bad');
      return emailOutcome(job.data, 'not-an-invoice');
    });
    for (const m of ['a', 'b', 'c'])
      await h.producer.add(JobName.ProcessEmail, email(m), { jobId: jobIds.processEmail('ap@contoso.example', m) });
    await waitFor(async () => (await h.deadLetters.list()).total === 3, { what: '3 dead letters' });
    fail = false;
    const { replayed, errors } = await h.deadLetters.replayAll();
    expect(replayed.map((r) => r.status)).toEqual(['replayed', 'replayed', 'replayed']);
    expect(errors).toEqual([]);
    await waitFor(async () => (await h.producer.queue(QueueName.EmailInbound).getCompletedCount()) === 3, {
      what: 'replayed jobs completed',
    });
    await expect(h.deadLetters.replay('nope')).rejects.toThrow(/no dead letter/);
  });
});

describe('dead-letter replay of every source job name (real Redis, real workers)', () => {
  let h: QueueHarness;
  const workers: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    h = await queueHarness({ JOB_ATTEMPTS: '1' });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await h.close();
  });

  it('puts each one back on its source queue, where it runs again', async () => {
    let failing = true;
    const runs: Record<SourceJobName, number> = {
      'sync-tick': 0,
      'sync-mailbox': 0,
      'backfill-range': 0,
      'renew-subscriptions': 0,
      'sync-page': 0,
      'process-email': 0,
      'invoice-metadata': 0,
      'after-action': 0,
    };
    const done = new Set<SourceJobName>();
    let pageChildren = -1;
    const attempt = <J extends SourceJobName>(name: J) => {
      runs[name]++;
      if (failing) throw new PermanentError(`${name} failed for good`);
      done.add(name);
    };
    const deps = { queueSetup: h.queueSetup, deadLetters: h.deadLetters };
    workers.push(
      createWorker(
        QueueName.MailSync,
        {
          'sync-tick': async () => (attempt(JobName.SyncTick), { enqueued: 0 }),
          'sync-mailbox': async () => (attempt(JobName.SyncMailbox), { pages: 0, messages: 0, removed: 0 }),
          'backfill-range': async () => (attempt(JobName.BackfillRange), { pages: 0, messages: 0, done: true }),
          'renew-subscriptions': async () => (attempt(JobName.RenewSubscriptions), { renewed: 0 }),
        },
        deps,
      ),
      createWorker(
        QueueName.MailSyncResults,
        {
          'sync-page': async (job) => {
            attempt(JobName.SyncPage);
            pageChildren = (await childResults(job)).length;
            return { messages: 1, invoices: 0, notInvoices: 0, failed: 0, markedRead: 0 };
          },
        },
        deps,
      ),
      createWorker(
        QueueName.EmailInbound,
        {
          'process-email': async (job) => {
            // The page's own child always succeeds; the lone e-mail is the one that fails.
            if (job.data.messageId === 'lone') attempt(JobName.ProcessEmail);
            return emailOutcome(job.data);
          },
        },
        deps,
      ),
      createWorker(
        QueueName.Ms4Outbound,
        { 'invoice-metadata': async () => (attempt(JobName.InvoiceMetadata), { batchId: 'b' }) },
        deps,
      ),
      createWorker(
        QueueName.MailActions,
        { 'after-action': async () => (attempt(JobName.AfterAction), { applied: [], skipped: null }) },
        deps,
      ),
    );

    await h.producer.add(JobName.SyncTick, { sessionId: 's1' });
    // Deduplicated and numbered by BullMQ: replaying it used to fail (an integer job id cannot be reused).
    await enqueueMailboxSync(h.producer, 's1', 'ap@contoso.example', 'inbox', 'manual');
    await h.producer.add(JobName.RenewSubscriptions, { sessionId: 's1', reason: 'schedule' });
    await enqueueBackfillLane(h.producer, {
      sessionId: 's1',
      mailboxId: 'ap@contoso.example',
      folder: 'inbox',
      planId: 'plan1',
      lane: 0,
      lanes: 4,
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
    });
    const child = email('child');
    await h.producer.addFlow(
      {
        name: JobName.SyncPage,
        jobId: jobIds.syncPage('ap@contoso.example', 'round', 1),
        data: {
          sessionId: 's1',
          mailboxId: child.mailboxId,
          folder: 'inbox',
          roundId: 'round',
          page: 1,
          messageCount: 1,
        },
      },
      [{ name: JobName.ProcessEmail, jobId: jobIds.processEmail(child.mailboxId, 'child'), data: child }],
    );
    await h.producer.add(JobName.ProcessEmail, email('lone'), {
      jobId: jobIds.processEmail('ap@contoso.example', 'lone'),
    });
    const item = invoiceItem(email('lone'));
    await h.producer.add(JobName.InvoiceMetadata, item, { jobId: jobIds.invoiceMetadata(item.invoiceKey) });
    await h.producer.add(
      JobName.AfterAction,
      { sessionId: 's1', mailboxId: 'ap@contoso.example', messageId: 'lone', rule: 'r', outcome: 'forwarded' },
      { jobId: jobIds.afterAction('ap@contoso.example', 'lone', 'forwarded') },
    );

    const { entries } = await waitFor(
      async () => {
        const listed = await h.deadLetters.list();
        return listed.total === 8 ? listed : null;
      },
      { what: 'eight dead letters' },
    );
    expect(entries.map((e) => e.jobName).sort()).toEqual(Object.keys(runs).sort());

    failing = false;
    for (const entry of entries) {
      const result = await h.deadLetters.replay(entry.id);
      expect(result).toMatchObject({ id: entry.id, status: 'replayed', sourceQueue: JobQueue[entry.jobName] });
    }
    await waitFor(async () => done.size === 8, { what: 'every replayed job to run' });
    for (const name of Object.keys(runs) as SourceJobName[]) expect(runs[name]).toBe(2);
    // The page was retried in place: its child's result is still there.
    expect(pageChildren).toBe(1);
    expect((await h.deadLetters.list()).total).toBe(0);
  });

  it('answers why it cannot replay: an unknown id, a job still running, a page whose job is gone', async () => {
    await expect(h.deadLetters.replay('nope')).rejects.toBeInstanceOf(DeadLetterNotFoundError);

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    workers.push(
      createWorker(
        QueueName.EmailInbound,
        {
          'process-email': async (job) => {
            await h.deadLetters.record(job, new Error('written before the job fails'));
            await gate;
            return emailOutcome(job.data);
          },
        },
        { queueSetup: h.queueSetup, deadLetters: h.deadLetters },
      ),
    );
    const id = jobIds.processEmail('ap@contoso.example', 'busy');
    await h.producer.add(JobName.ProcessEmail, email('busy'), { jobId: id });
    const dlqId = jobIds.deadLetter('email-inbound', id);
    await waitFor(() => h.deadLetters.get(dlqId), { what: 'the entry of the running job' });
    try {
      await expect(h.deadLetters.replay(dlqId)).rejects.toThrow(DeadLetterConflictError);
      await expect(h.deadLetters.replay(dlqId)).rejects.toThrow(/still active/);
    } finally {
      release();
    }
    expect(await h.deadLetters.get(dlqId)).not.toBeNull();

    const pageJob = await h.producer.add(
      JobName.SyncPage,
      { sessionId: 's1', mailboxId: 'ap@contoso.example', folder: 'inbox', roundId: 'r', page: 1, messageCount: 0 },
      { jobId: jobIds.syncPage('ap@contoso.example', 'r', 1) },
    );
    await h.deadLetters.record(pageJob, new Error('mark-as-read failed'));
    await pageJob.remove();
    await expect(h.deadLetters.replay(jobIds.deadLetter('mail-sync-results', String(pageJob.id)))).rejects.toThrow(
      /sync-page job .* is gone/,
    );
  });
});
