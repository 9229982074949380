import { Redis } from 'ioredis';
import { DailyMetrics } from '../src';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';

// Per-day, per-mailbox counters on a real Redis, the clock moved by the test.
describe('DailyMetrics (real Redis)', () => {
  const prefix = uniquePrefix('daily');
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('counts per UTC day and mailbox, lists the last days newest first, and lets each day expire', async () => {
    let now = Date.parse('2026-11-29T23:59:00Z');
    const daily = new DailyMetrics(redis, `{${prefix}}`, 3, () => now);
    await daily.incr('AP@x.example', { discovered: 3, graphRequests: 2 });
    now = Date.parse('2026-11-30T00:01:00Z'); // past midnight UTC: another day
    await daily.incr('ap@x.example', { forwarded: 2, graphRequests: 1 });
    await daily.incr('b@x.example', { notInvoices: 1, deadLettered: 1, unreadable: 0 });
    const days = await daily.read(5); // capped at the 3 days kept
    expect(days.map((d) => d.date)).toEqual(['2026-11-30', '2026-11-29', '2026-11-28']);
    expect(days[0]?.mailboxes).toEqual({
      'ap@x.example': { discovered: 0, forwarded: 2, notInvoices: 0, unreadable: 0, deadLettered: 0, graphRequests: 1 },
      'b@x.example': { discovered: 0, forwarded: 0, notInvoices: 1, unreadable: 0, deadLettered: 1, graphRequests: 0 },
    });
    expect(days[0]?.total).toMatchObject({ forwarded: 2, notInvoices: 1, graphRequests: 1 });
    expect(days[1]?.mailboxes['ap@x.example']).toMatchObject({ discovered: 3, graphRequests: 2 });
    expect(days[2]).toEqual({
      date: '2026-11-28',
      mailboxes: {},
      total: { discovered: 0, forwarded: 0, notInvoices: 0, unreadable: 0, deadLettered: 0, graphRequests: 0 },
    });
    // Each day's key expires `keepDays` after its own end: Redis holds a bounded number of days.
    const expiry = await redis.pexpiretime(`{${prefix}}:daily:2026-11-29`);
    expect(expiry).toBe(Date.parse('2026-11-30T00:00:00Z') + 3 * 86_400_000);
  });
});
