import { closeRedis, createRedis, HttpError, JobName, Producer, QueueName, queueContext } from '@ms1/shared';
import { LifecycleReplays } from '../../src/http/handlers/lifecycle-replays';
import { webhookHandlers } from '../../src/http/handlers/webhooks';
import { routeTable } from '../../src/http/routes';
import type { HttpInput, Route } from '../../src/http/route';
import { CLIENT_STATE, httpHarness, type HttpHarness } from '../helpers/http-harness';

// The webhook handlers as plain functions on the real Redis of the test run, and their route's validation.
const settings = {
  pollingMode: 'manual' as const,
  pollingIntervalSeconds: 300,
  enableWebhook: true,
  mailboxes: ['a@contoso.example'],
  folder: 'inbox',
};
const change = (subscriptionId: string, clientState: string | null = CLIENT_STATE) => ({
  subscriptionId,
  clientState,
  changeType: 'created',
  resource: 'Users/a/Messages/m',
});
const lifecycle = (subscriptionId: string, lifecycleEvent: string) => ({
  subscriptionId,
  clientState: CLIENT_STATE,
  lifecycleEvent,
});
const post = <B>(body: B, query: Record<string, string> = {}): HttpInput<B, { validationToken?: string }> => ({
  params: {},
  query,
  body,
  headers: {},
});

describe('webhook handlers', () => {
  let h: HttpHarness;
  let sessionId: string;
  const jobs = async (name: string) =>
    (await h.side.producer.queue(QueueName.MailSync).getJobs(['waiting', 'delayed', 'prioritized'])).filter(
      (j) => j.name === name,
    );

  beforeEach(async () => {
    h = await httpHarness();
    sessionId = (await h.side.store.start(settings)).sessionId;
    const expirationDateTime = new Date(Date.now() + 3_600_000).toISOString();
    await h.side.subscriptions.put({
      id: 'sub-a',
      sessionId,
      mailboxId: 'a@contoso.example',
      folder: 'inbox',
      expirationDateTime,
    });
    await h.side.subscriptions.put({
      id: 'sub-old',
      sessionId: 'an-old-session',
      mailboxId: 'z@contoso.example',
      folder: 'inbox',
      expirationDateTime,
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it('echoes the validation handshake as text/plain', async () => {
    expect(await h.handlers.webhooks.notify(post(undefined, { validationToken: 'Validation: <b>x</b>' }))).toEqual({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: 'Validation: <b>x</b>',
    });
    expect((await h.handlers.webhooks.lifecycle(post(undefined, { validationToken: 't' }))).body).toBe('t');
  });

  it('turns notifications into one deduplicated sync per mailbox; drops a wrong clientState and unknown subscriptions', async () => {
    const answer = await h.handlers.webhooks.notify(
      post({
        value: [
          change('sub-a'),
          change('sub-a'),
          change('sub-a'),
          change('sub-a', 'wrong'),
          change('sub-a', null),
          change('nope'),
          change('sub-old'),
        ],
      }),
    );
    expect(answer).toEqual({ status: 202, body: { accepted: 4, rejected: 2, unknown: 1, syncs: 1 } });
    await h.handlers.webhooks.notify(post({ value: [change('sub-a')] }));
    const syncs = await jobs(JobName.SyncMailbox);
    expect(syncs.map((j) => j.data)).toEqual([
      { sessionId, mailboxId: 'a@contoso.example', folder: 'inbox', trigger: 'webhook' },
    ]);
    expect(h.logged()).not.toContain('"wrong"');
  });

  it('handles 50 replays of a lifecycle notification once: one repair job, one sync', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.handlers.webhooks.lifecycle(post({ value: [lifecycle('sub-a', 'subscriptionRemoved')] })),
      ),
    );
    const bodies = answers.map((a) => a.body as { handled: number; replays: number });
    expect(bodies.reduce((n, b) => n + b.handled, 0)).toBe(1);
    expect(bodies.reduce((n, b) => n + b.replays, 0)).toBe(49);
    expect((await jobs(JobName.RenewSubscriptions)).map((j) => j.data)).toEqual([
      { sessionId, mailboxId: 'a@contoso.example', reason: 'subscriptionRemoved' },
    ]);
    expect((await jobs(JobName.SyncMailbox)).map((j) => j.data.trigger)).toEqual(['lifecycle']);

    // Another event of the same subscription is not a replay; an unknown event is ignored; missed only resyncs.
    const more = await h.handlers.webhooks.lifecycle(
      post({
        value: [
          lifecycle('sub-a', 'reauthorizationRequired'),
          lifecycle('sub-a', 'somethingNew'),
          lifecycle('sub-a', 'missed'),
        ],
      }),
    );
    expect(more.body).toMatchObject({ accepted: 3, handled: 2, replays: 0, ignored: 1 });
    expect((await jobs(JobName.RenewSubscriptions)).map((j) => j.data.reason).sort()).toEqual([
      'reauthorizationRequired',
      'subscriptionRemoved',
    ]);
  });

  it('forgets a claimed lifecycle event whose repair could not be queued, so that Graph redelivery is handled', async () => {
    // A producer whose connection has gone: adding the repair job fails at once.
    const gone = createRedis(h.config.redis, { role: 'http', commandTimeoutMs: 200 });
    const unreachable = new Producer(queueContext(h.config, gone, h.logger));
    await unreachable.queue(QueueName.MailSync).waitUntilReady();
    gone.disconnect();
    const replays = new LifecycleReplays(h.side.connection, h.side.keyPrefix, 60_000);
    const failing = webhookHandlers({
      config: h.config,
      logger: h.logger,
      producer: unreachable,
      sessions: h.side.store,
      subscriptions: h.side.subscriptions,
      replays,
    });
    try {
      await expect(failing.lifecycle(post({ value: [lifecycle('sub-a', 'subscriptionRemoved')] }))).rejects.toThrow();
      expect(await replays.claim('sub-a', 'subscriptionRemoved')).toBe(true);
    } finally {
      await unreachable.close();
      await closeRedis(gone);
    }
  });

  describe('validation of the route (every item, 400 naming the field, never 500)', () => {
    const route = (path: string): Route => {
      const found = routeTable(h.handlers).find((r) => r.path === path && r.method === 'post');
      if (!found) throw new Error(`no route ${path}`);
      return found;
    };
    const refusal = async (path: string, body: unknown, query: Record<string, unknown> = {}) => {
      const err = await route(path)
        .run({ params: {}, query, body, headers: {} })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      return {
        status: (err as HttpError).status,
        field: (err as HttpError).details.field,
        message: (err as HttpError).message,
      };
    };

    it.each([
      [{ value: [null] }, 'value[0]', 'value[0] must be of type object'],
      [{ value: [change('sub-a'), 7] }, 'value[1]', 'value[1] must be of type object'],
      [
        { value: [{ ...change('sub-a'), subscriptionId: undefined }] },
        'value[0].subscriptionId',
        'value[0].subscriptionId is required',
      ],
      [
        { value: [{ ...change('sub-a'), subscriptionId: 42 }] },
        'value[0].subscriptionId',
        'value[0].subscriptionId must be a string',
      ],
      [
        { value: [{ ...change('sub-a'), clientState: { x: 1 } }] },
        'value[0].clientState',
        'value[0].clientState must be a string',
      ],
      [
        { value: [change('sub-a'), { ...change('sub-a'), resource: 'x'.repeat(5000) }] },
        'value[1].resource',
        'value[1].resource length must be less than or equal to 2048 characters long',
      ],
      [{ value: 'all of them' }, 'value', 'value must be an array'],
      [{ value: [] }, 'value', 'value must contain at least 1 items'],
      [{}, 'value', 'value is required'],
      [undefined, 'value', 'value is required'],
    ])('change notifications %j: 400 naming %s', async (body, field, message) => {
      expect(await refusal('/webhooks/graph', body)).toEqual({ status: 400, field, message });
    });

    it('lifecycle items need their event; the handshake token is capped at 1024 characters', async () => {
      expect(await refusal('/webhooks/graph/lifecycle', { value: [change('sub-a')] })).toMatchObject({
        status: 400,
        field: 'value[0].lifecycleEvent',
      });
      expect(await refusal('/webhooks/graph', undefined, { validationToken: 'x'.repeat(1025) })).toMatchObject({
        status: 400,
        field: 'validationToken',
      });
      expect(await refusal('/webhooks/graph', undefined, { validationToken: ['a', 'b'] })).toMatchObject({
        status: 400,
        field: 'validationToken',
      });
      const echo = await route('/webhooks/graph').run({
        params: {},
        query: { validationToken: 'x'.repeat(1024) },
        body: undefined,
        headers: {},
      });
      expect(echo).toMatchObject({ status: 200, body: 'x'.repeat(1024) });
    });
  });
});
