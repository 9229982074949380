import { HttpError, QueueName } from '@ms1/shared';
import type { HttpInput } from '../../src/http/route';
import { httpHarness, type HttpHarness } from '../helpers/http-harness';

// The session handlers as plain functions, on the real Redis of the test run.
const input = <B>(body: B): HttpInput<B> => ({ params: {}, query: {}, body, headers: {} });
const start = { polling_mode: 'scheduled' as const, polling_interval: 60, enable_webhook: false };

describe('session handlers', () => {
  let h: HttpHarness;
  beforeEach(async () => {
    h = await httpHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('starts a session (201), refuses a second one (409 with the active session), stops it (200)', async () => {
    const { session } = h.handlers;
    const started = await session.start(input(start));
    expect(started).toMatchObject({
      status: 201,
      body: { status: 'active', polling_mode: 'scheduled', mailboxes: ['a@contoso.example', 'b@contoso.example'] },
    });
    const id = (started.body as { session_id: string }).session_id;
    const second = await session.start(input(start)).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(HttpError);
    expect((second as HttpError).body()).toMatchObject({
      error: { code: 'conflict', session: { session_id: id } },
    });
    // The scheduler and one sync per mailbox wait in mail-sync.
    const counts = await h.side.producer.queue(QueueName.MailSync).getJobCounts('waiting', 'delayed');
    expect(counts.waiting + counts.delayed).toBeGreaterThanOrEqual(2);

    expect(await session.stop(input({ reason: 'done' }))).toMatchObject({
      status: 200,
      body: { session_id: id, status: 'stopped', stop_reason: 'done' },
    });
    await expect(session.stop(input({ reason: 'again' }))).rejects.toMatchObject({ status: 409 });
    expect(await session.history(input(undefined))).toMatchObject({
      status: 200,
      body: { sessions: [{ session_id: id }] },
    });
  });

  it('names the field when webhooks are asked for but not configured, or no mailbox is known', async () => {
    const bare = await httpHarness({ PUBLIC_BASE_URL: '', WEBHOOK_CLIENT_STATE: '', MAILBOXES: '' });
    try {
      await expect(bare.handlers.session.start(input({ ...start, enable_webhook: true }))).rejects.toMatchObject({
        status: 400,
        details: { field: 'enable_webhook' },
      });
      await expect(bare.handlers.session.start(input(start))).rejects.toMatchObject({
        status: 400,
        details: { field: 'mailboxes' },
      });
    } finally {
      await bare.close();
    }
  });

  it('reports status: no session, then the active one with queue counts and services', async () => {
    expect(await h.handlers.session.status(input(undefined))).toMatchObject({
      status: 200,
      body: { active: false, session: null, services: { 'processor-worker': { workers: 0, alive: false } } },
    });
    await h.handlers.session.start(input({ ...start, polling_mode: 'manual' as const }));
    const status = await h.handlers.session.status(input(undefined));
    expect(status.body).toMatchObject({ active: true, session: { polling_mode: 'manual' } });
    expect((status.body as { queues: Record<string, { waiting: number }> }).queues['mail-sync']?.waiting).toBe(2);
  });
});
