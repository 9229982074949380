import { httpHarness, type HttpHarness } from '../helpers/http-harness';

const input = (accept?: string) => ({ params: {}, query: {}, body: {}, headers: accept ? { accept } : {} });

describe('metrics handler', () => {
  let h: HttpHarness;
  beforeEach(async () => {
    h = await httpHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('summarises the session and queues as JSON, and speaks Prometheus text when asked', async () => {
    expect(await h.handlers.metrics.summary(input())).toMatchObject({
      status: 200,
      body: { session_id: null, counters: null, queues: { 'mail-sync': { waiting: 0 } } },
    });
    await h.handlers.session.start({
      ...input(),
      body: { polling_mode: 'manual', polling_interval: 300, enable_webhook: false },
    });
    const json = await h.handlers.metrics.summary(input('application/json'));
    expect(json.body).toMatchObject({ session_id: expect.any(String), queues: { 'mail-sync': { waiting: 2 } } });

    const text = await h.handlers.metrics.summary(input('text/plain'));
    expect(text.contentType).toMatch(/^text\/plain/);
    expect(String(text.body)).toMatch(/^ms1_queue_jobs\{.*queue="mail-sync".*state="waiting".*\} 2$/m);
    expect(String(text.body)).toMatch(/^ms1_session_counter\{.*counter="discovered".*\} 0$/m);
  });
});
