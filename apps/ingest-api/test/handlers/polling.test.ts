import { QueueName } from '@ms1/shared';
import type { HttpInput } from '../../src/http/route';
import { httpHarness, type HttpHarness } from '../helpers/http-harness';

const input: HttpInput = { params: {}, query: {}, body: {}, headers: {} };

describe('polling handler', () => {
  let h: HttpHarness;
  beforeEach(async () => {
    h = await httpHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers 409 without a session, 202 with one, and a burst of triggers collapses into one sync per mailbox', async () => {
    await expect(h.handlers.polling.trigger(input)).rejects.toMatchObject({ status: 409 });
    await h.handlers.session.start({
      ...input,
      body: { polling_mode: 'manual', polling_interval: 300, enable_webhook: false },
    });
    for (let i = 0; i < 5; i++)
      expect(await h.handlers.polling.trigger(input)).toMatchObject({ status: 202, body: { mailboxes: 2 } });
    const waiting = await h.side.producer.queue(QueueName.MailSync).getJobs(['waiting']);
    expect(waiting.map((j) => j.data.mailboxId).sort()).toEqual(['a@contoso.example', 'b@contoso.example']);
  });
});
