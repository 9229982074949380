import { QueueEvents, type Worker } from 'bullmq';
import { waitFor } from '@ms1/test-utils';
import {
  createWorker,
  jobIds,
  JobName,
  PermanentError,
  QueueName,
  RetryableError,
  ThrottledError,
  type JobHandler,
} from '../src';
import { queueHarness, type QueueHarness } from './helpers';
import { REDIS_KINDS, redisOfEachKind } from './redis-targets';

const email = (messageId: string) => ({
  sessionId: 's1',
  mailboxId: 'ap@contoso.example',
  messageId,
  receivedDateTime: '2026-11-01T10:00:00Z',
  listing: {
    subject: 'Invoice',
    from: { name: 'S', address: 's@x.example' },
    internetMessageId: null,
    hasAttachments: false,
    bodyPreview: null,
    attachments: [],
  },
});

const redisKinds = redisOfEachKind();

describe.each(REDIS_KINDS)('dead-letter routing and replay (real Redis: %s)', (kind) => {
  const target = redisKinds.use(kind);
  let h: QueueHarness;
  let worker: Worker | undefined;
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
      { ctx: h.ctx, deadLetters: h.deadLetters, concurrency: 2 },
    );
    return worker;
  };

  it('sends an UnrecoverableError straight to dead-letter with its reason, and replays it with fresh attempts', async () => {
    let calls = 0;
    let poison = true;
    start(async (job) => {
      calls++;
      if (poison) throw new PermanentError(`attachment of ${job.data.messageId} is not a PDF`);
      return { outcome: 'invoice', invoices: 1, warnings: 0, reason: 'ok' };
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
    start(async () => {
      calls++;
      if (calls <= 2) throw new ThrottledError('Graph said 429', 50);
      return { outcome: 'invoice', invoices: 1, warnings: 0, reason: 'ok' };
    });
    const eventsConnection = target().connect();
    const events = new QueueEvents(QueueName.EmailInbound, { connection: eventsConnection, prefix: h.ctx.prefix });
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

  it('replays every entry with replayAll and reports unknown ids', async () => {
    let fail = true;
    start(async () => {
      if (fail) throw new PermanentError('bad');
      return { outcome: 'not-an-invoice', invoices: 0, warnings: 0, reason: 'ok' };
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
