import { Redis } from 'ioredis';
import { createLogger, HandBackError, PermanentError, RetryableError, type Ms4Item } from '@ms1/shared';
import { startMs4Sim, type Ms4Sim } from '@ms1/ms4-sim';
import { cleanPrefix, testRedisUrl, uniquePrefix, waitFor } from '@ms1/test-utils';
import { serializeItem } from '../src/batch';
import { CircuitBreaker } from '../src/breaker';
import { Dispatcher, type PendingItem } from '../src/dispatcher';
import { Ms4Client } from '../src/ms4-client';
import { SharedPause } from '../src/pause';
import { RateLimiter } from '../src/rate-limit';
import { makeItem } from './fixtures';

// The dispatcher on its own: real ms4-sim, real Redis for the shared rate limiter and pause. Each item's promise
// is the job's fate: resolved with the batchId once MS4 has it, rejected with the error class that decides the
// job's next step (retry, dead-letter, handed back).

type Settled = { batchId: string } | { error: Error };

describe('Dispatcher (real ms4-sim, real Redis)', () => {
  const prefix = uniquePrefix('dispatch');
  let redis: Redis;
  let ms4: Ms4Sim;
  let dispatcher: Dispatcher;
  let breaker: CircuitBreaker;
  const run = uniquePrefix('items');

  const simConfig = async (patch: Record<string, unknown>) => {
    const res = await fetch(`${ms4.adminUrl}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    });
    expect(res.ok).toBe(true);
  };

  /** Dispatches items as one batch; answers each item's outcome, in order. */
  const deliver = (items: Ms4Item[]): Promise<Settled[]> =>
    Promise.all(
      items.map(
        (item) =>
          new Promise<Settled>((resolve) => {
            pending.push({
              ...serializeItem(item.invoiceKey, item),
              jobId: item.invoiceKey,
              resolve: (batchId) => resolve({ batchId }),
              reject: (error) => resolve({ error }),
            });
          }),
      ),
    );
  let pending: PendingItem[] = [];
  const flush = () => {
    dispatcher.dispatch(pending);
    pending = [];
  };

  beforeAll(async () => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    ms4 = await startMs4Sim({ port: 0, apiToken: 'dispatcher-test-token' });
  });
  beforeEach(() => {
    breaker = new CircuitBreaker({ failures: 3, openMs: 60_000 });
    const keys = { bucket: `{${prefix}}:ms4:rate`, pause: `{${prefix}}:ms4:pause` };
    dispatcher = new Dispatcher({
      client: new Ms4Client({ baseUrl: ms4.baseUrl, apiToken: 'dispatcher-test-token', timeoutMs: 5000 }),
      breaker,
      limiter: new RateLimiter(redis, { ratePerSecond: 1000, bucketKey: keys.bucket, pauseKey: keys.pause }),
      pause: new SharedPause(redis, keys.pause),
      logger: createLogger({ service: 'test', level: 'error', format: 'json', secrets: [] }),
    });
  });
  afterEach(async () => {
    dispatcher.handBack();
    await dispatcher.idle();
    await simConfig({ failNext: null, throttleNext: null, outageUntil: null, maxItems: null });
  });
  afterAll(async () => {
    redis.disconnect();
    await ms4.stop();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('resolves every item of an accepted batch with its batchId', async () => {
    const items = [0, 1, 2].map((i) => makeItem(run, i));
    const outcomes = deliver(items);
    flush();
    const settled = await outcomes;
    const ids = new Set(settled.map((s) => ('batchId' in s ? s.batchId : s.error.message)));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(dispatcher.stats).toMatchObject({ itemsAccepted: 3, itemsRejected: 0, itemsRetried: 0 });
  });

  it('judges a 207 item by item: accepted items resolve, failed ones are retried', async () => {
    await simConfig({ failNext: { count: 1, status: 207 } });
    const settled = await (async () => {
      const outcomes = deliver([10, 11, 12, 13].map((i) => makeItem(run, i)));
      flush();
      return outcomes;
    })();
    // ms4-sim fails the items at even indexes of the next 207.
    expect(settled.map((s) => ('batchId' in s ? 'accepted' : s.error.constructor.name))).toEqual([
      'RetryableError',
      'accepted',
      'RetryableError',
      'accepted',
    ]);
  });

  it('isolates an item MS4 refuses and rejects it for good, delivering the others', async () => {
    const bad = { ...makeItem(run, 20), invoice: { ...makeItem(run, 20).invoice, currency: 'euro' } };
    const outcomes = deliver([makeItem(run, 21), bad, makeItem(run, 22)]);
    flush();
    const settled = await outcomes;
    expect('batchId' in settled[0]!).toBe(true);
    expect('batchId' in settled[2]!).toBe(true);
    const refused = settled[1];
    expect(refused && 'error' in refused && refused.error).toBeInstanceOf(PermanentError);
  });

  it('retries a batch MS4 fails while the breaker stays closed', async () => {
    await simConfig({ failNext: { count: 1, status: 503 } });
    const outcomes = deliver([makeItem(run, 30)]);
    flush();
    const [only] = await outcomes;
    expect(only && 'error' in only && only.error).toBeInstanceOf(RetryableError);
    expect(breaker.state).toBe('closed');
  });

  it('hands the jobs back at shutdown while MS4 is down (HandBackError, not a failure)', async () => {
    await simConfig({ failNext: { count: 3, status: 500 } });
    // Two failed sends with the breaker closed: those jobs are retried...
    for (const i of [40, 41]) {
      const failed = deliver([makeItem(run, i)]);
      flush();
      const [only] = await failed;
      expect(only && 'error' in only && only.error).toBeInstanceOf(RetryableError);
    }
    // ...the third opens the breaker: that batch is held, its jobs still active, until the shutdown.
    const outcomes = deliver([makeItem(run, 42), makeItem(run, 43)]);
    flush();
    await waitFor(async () => breaker.state === 'open', { what: 'the breaker to open' });
    expect(dispatcher.pending).toBe(1);
    dispatcher.handBack();
    const settled = await outcomes;
    for (const s of settled) expect('error' in s && s.error).toBeInstanceOf(HandBackError);
  });
});
