import { Redis } from 'ioredis';
import {
  createLogger,
  EmailOutcomes,
  JobName,
  keyPrefix,
  loadConfig,
  Producer,
  queueSetup,
  shortDigest,
  type AfterActionData,
} from '../src';
import { createHash } from 'node:crypto';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';

const invoiceKey = (n: number) => createHash('sha256').update(`invoice ${n}`).digest('hex');

// When an e-mail's outcome becomes final, on a real Redis with real BullMQ queues: the after-action job appears
// exactly when the last invoice is accepted (whatever the order), once, and only with a rule.
describe('EmailOutcomes (real Redis)', () => {
  const prefix = uniquePrefix('outcomes');
  let redis: Redis;
  let producer: Producer;
  let outcomes: EmailOutcomes;
  const actions = async (): Promise<{ id: string; data: AfterActionData }[]> =>
    (await producer.getJobs(JobName.AfterAction, ['waiting'])).map((j) => ({ id: String(j.id), data: j.data }));

  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const config = loadConfig('tool', { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix });
    producer = new Producer(
      queueSetup(config, redis, createLogger({ service: 'test', level: 'error', format: 'json', secrets: [] })),
    );
    outcomes = new EmailOutcomes(redis, keyPrefix(prefix), producer, 600);
  });
  afterAll(async () => {
    await producer.close();
    redis.disconnect();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('is forwarded only when MS4 has accepted every invoice of the e-mail, and enqueues the action once', async () => {
    const email = { sessionId: 's1', mailboxId: 'AP@x.example', messageId: 'm1', rule: 'suppliers' };
    expect(await outcomes.state('ap@x.example', 'm1')).toBeNull();
    expect(await outcomes.invoicesFound(email, ['k1', 'k2', 'k3'])).toBe(false);
    expect(await outcomes.state('ap@x.example', 'm1')).toBe('pending');
    const item = (invoiceKey: string) => ({ mailboxId: 'AP@x.example', messageId: 'm1', invoiceKey });
    expect(await outcomes.invoiceAccepted(item('k2'))).toBe(false);
    expect(await outcomes.invoiceAccepted(item('k1'))).toBe(false);
    expect(await actions()).toEqual([]);
    expect(await outcomes.invoiceAccepted(item('k3'))).toBe(true);
    expect(await outcomes.state('ap@x.example', 'm1')).toBe('forwarded');
    // A sender re-run after a crash accepts the last item again: the same job id adds nothing.
    await outcomes.invoiceAccepted(item('k3'));
    expect(await actions()).toEqual([
      {
        id: 'after~AP@x.example~m1~forwarded',
        data: { sessionId: 's1', mailboxId: 'AP@x.example', messageId: 'm1', rule: 'suppliers', outcome: 'forwarded' },
      },
    ]);
    expect(await outcomes.actionDone('ap@x.example', 'm1', 'forwarded')).toBe(false);
    await outcomes.markActionDone('ap@x.example', 'm1', 'forwarded');
    expect(await outcomes.actionDone('AP@x.example', 'm1', 'forwarded')).toBe(true);
    const [record] = await redis.keys(`{${prefix}}:email:ap@x.example:*`);
    expect(record).toBe(`{${prefix}}:email:ap@x.example:${shortDigest('m1')}`);
    expect(await redis.ttl(record!)).toBeGreaterThan(0);
  });

  it('a processor re-run that finds the invoices MS4 already has makes the e-mail forwarded at once', async () => {
    const email = { sessionId: 's1', mailboxId: 'ap@x.example', messageId: 'm2', rule: 'suppliers' };
    await outcomes.invoicesFound(email, ['a', 'b']);
    await outcomes.invoiceAccepted({ mailboxId: 'ap@x.example', messageId: 'm2', invoiceKey: 'a' });
    await outcomes.invoiceAccepted({ mailboxId: 'ap@x.example', messageId: 'm2', invoiceKey: 'b' });
    await producer.queue('mail-actions').obliterate({ force: true });
    expect(await outcomes.invoicesFound(email, ['a', 'b'])).toBe(true);
    expect((await actions()).map((a) => a.id)).toEqual(['after~ap@x.example~m2~forwarded']);
    // A re-run that finds one invoice fewer replaces what is expected.
    await outcomes.invoicesFound({ ...email, messageId: 'm3' }, ['x', 'y']);
    await outcomes.invoiceAccepted({ mailboxId: 'ap@x.example', messageId: 'm3', invoiceKey: 'x' });
    expect(await outcomes.invoicesFound({ ...email, messageId: 'm3' }, ['x'])).toBe(true);
  });

  it('not an invoice, and dead-lettered (the rule read from the record when the caller does not know it)', async () => {
    await producer.queue('mail-actions').obliterate({ force: true });
    await outcomes.notInvoice({ sessionId: 's1', mailboxId: 'ap@x.example', messageId: 'n1', rule: 'r' });
    await outcomes.invoicesFound({ sessionId: 's1', mailboxId: 'ap@x.example', messageId: 'd1', rule: 'r' }, ['k']);
    await outcomes.deadLettered({ sessionId: 's1', mailboxId: 'ap@x.example', messageId: 'd1' });
    expect(await outcomes.state('ap@x.example', 'n1')).toBe('notInvoice');
    expect(await outcomes.state('ap@x.example', 'd1')).toBe('unreadable');
    expect((await actions()).map((a) => [a.id, a.data.rule]).sort()).toEqual([
      ['after~ap@x.example~d1~unreadable', 'r'],
      ['after~ap@x.example~n1~notInvoice', 'r'],
    ]);
  });

  it('records outcomes without rules, and enqueues nothing', async () => {
    await producer.queue('mail-actions').obliterate({ force: true });
    await outcomes.notInvoice({ sessionId: 's1', mailboxId: 'ap@x.example', messageId: 'plain' });
    await outcomes.invoicesFound({ sessionId: 's1', mailboxId: 'ap@x.example', messageId: 'plain2' }, ['z']);
    await outcomes.invoiceAccepted({ mailboxId: 'ap@x.example', messageId: 'plain2', invoiceKey: 'z' });
    expect(await outcomes.state('ap@x.example', 'plain')).toBe('notInvoice');
    expect(await outcomes.state('ap@x.example', 'plain2')).toBe('forwarded');
    expect(await actions()).toEqual([]);
  });
  it('keeps a message id as a digest and an invoice as 16 characters, within a few hundred bytes', async () => {
    const messageId = `AAMkAGI2${'x'.repeat(140)}`;
    const email = { sessionId: '9af3f576-aa69-4024-818e-99a57b0c1d2e', mailboxId: 'ap@x.example', messageId };
    await outcomes.invoicesFound(email, [invoiceKey(1)]);
    expect(await outcomes.invoiceAccepted({ mailboxId: 'ap@x.example', messageId, invoiceKey: invoiceKey(1) })).toBe(
      true,
    );
    const key = `{${prefix}}:email:ap@x.example:${shortDigest(messageId)}`;
    expect((await redis.hkeys(key)).sort()).toEqual(
      ['a:' + invoiceKey(1).slice(0, 16), 'e:' + invoiceKey(1).slice(0, 16), 'o', 'r', 's'].sort(),
    );
    // Key, fields and Redis's own overhead of one forwarded e-mail of one invoice. Written the earlier way it measured
    // 776 bytes: 66-character field names pass the listpack's 64-byte limit, so the hash became a hashtable.
    expect(Number(await redis.memory('USAGE', key))).toBeLessThan(300);
  });

  it('adopts the record an earlier version kept under the message id, whole invoice keys included', async () => {
    await producer.queue('mail-actions').obliterate({ force: true });
    const earlier = `{${prefix}}:email:ap@x.example:old-1`;
    // What a processor of the earlier version wrote: two whole invoice keys expected, the first accepted.
    await redis.hset(earlier, 's', 's0', 'r', 'suppliers', 'o', 'pending');
    await redis.hset(earlier, 'e:' + invoiceKey(1), '1', 'e:' + invoiceKey(2), '1', 'a:' + invoiceKey(1), '1');
    expect(await outcomes.state('ap@x.example', 'old-1')).toBe('pending');
    const item = { mailboxId: 'ap@x.example', messageId: 'old-1', invoiceKey: invoiceKey(2) };
    expect(await outcomes.invoiceAccepted(item)).toBe(true);
    expect(await redis.exists(earlier)).toBe(0);
    expect(await outcomes.state('ap@x.example', 'old-1')).toBe('forwarded');
    expect((await actions()).map((a) => [a.id, a.data.sessionId, a.data.rule])).toEqual([
      ['after~ap@x.example~old-1~forwarded', 's0', 'suppliers'],
    ]);
    // An after-action an earlier version recorded as done is still known as done.
    await redis.hset(`{${prefix}}:email:ap@x.example:old-2`, 'o', 'notInvoice', 'd:notInvoice', '1');
    expect(await outcomes.actionDone('ap@x.example', 'old-2', 'notInvoice')).toBe(true);
    expect(await outcomes.actionDone('ap@x.example', 'old-2', 'forwarded')).toBe(false);
  });
  it("adopts an earlier record in every script, its fields joining and the new record's own winning", async () => {
    await producer.queue('mail-actions').obliterate({ force: true });
    const earlierKey = (messageId: string) => `{${prefix}}:email:ap@x.example:${messageId}`;
    // A processor re-run over an earlier record whose invoices MS4 has all accepted: forwarded at once.
    await redis.hset(earlierKey('old-3'), 's', 's0', 'r', 'suppliers', 'o', 'pending');
    await redis.hset(earlierKey('old-3'), 'e:' + invoiceKey(3), '1', 'a:' + invoiceKey(3), '1');
    const rerun = { sessionId: 's1', mailboxId: 'ap@x.example', messageId: 'old-3', rule: 'suppliers' };
    expect(await outcomes.invoicesFound(rerun, [invoiceKey(3)])).toBe(true);
    expect(await redis.exists(earlierKey('old-3'))).toBe(0);
    // Dead-lettered by a caller that does not know the rule (the sender): the earlier record's rule is used.
    await redis.hset(earlierKey('old-4'), 's', 's0', 'r', 'suppliers', 'o', 'pending', 'e:' + invoiceKey(4), '1');
    await outcomes.deadLettered({ sessionId: 's0', mailboxId: 'ap@x.example', messageId: 'old-4' });
    expect(await redis.exists(earlierKey('old-4'))).toBe(0);
    // Both records know the e-mail: the new one's fields stay, the earlier one's others join.
    await outcomes.invoicesFound(
      { sessionId: 's-new', mailboxId: 'ap@x.example', messageId: 'old-5', rule: 'new-rule' },
      [invoiceKey(5)],
    );
    await redis.hset(earlierKey('old-5'), 's', 's-old', 'r', 'old-rule', 'o', 'notInvoice', 'd:notInvoice', '1');
    expect(
      await outcomes.invoiceAccepted({ mailboxId: 'ap@x.example', messageId: 'old-5', invoiceKey: invoiceKey(5) }),
    ).toBe(true);
    expect(await outcomes.actionDone('ap@x.example', 'old-5', 'notInvoice')).toBe(true);
    expect((await actions()).map((a) => [a.id, a.data.sessionId, a.data.rule]).sort()).toEqual([
      ['after~ap@x.example~old-3~forwarded', 's1', 'suppliers'],
      ['after~ap@x.example~old-4~unreadable', 's0', 'suppliers'],
      ['after~ap@x.example~old-5~forwarded', 's-new', 'new-rule'],
    ]);
    // Recording an after-action adopts the earlier record too.
    await redis.hset(earlierKey('old-6'), 'o', 'forwarded', 's', 's0');
    await outcomes.markActionDone('ap@x.example', 'old-6', 'forwarded');
    expect(await redis.exists(earlierKey('old-6'))).toBe(0);
    expect(await outcomes.state('ap@x.example', 'old-6')).toBe('forwarded');
  });
  it('an acceptance for an e-mail with no invoices recorded (its record expired) forwards nothing', async () => {
    const item = { mailboxId: 'ap@x.example', messageId: 'forgotten', invoiceKey: invoiceKey(9) };
    expect(await outcomes.invoiceAccepted(item)).toBe(false);
    expect(await outcomes.state('ap@x.example', 'forgotten')).toBeNull();
  });
});
