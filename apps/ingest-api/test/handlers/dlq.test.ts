import { jobIds, JobName, QueueName } from '@ms1/shared';
import { httpHarness, type HttpHarness } from '../helpers/http-harness';

const listing = {
  subject: 'Invoice',
  from: null,
  internetMessageId: null,
  hasAttachments: false,
  bodyPreview: null,
  attachments: [],
};

describe('dead-letter handlers', () => {
  let h: HttpHarness;
  beforeEach(async () => {
    h = await httpHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const deadLetter = async (messageId: string) => {
    const job = await h.side.producer.add(
      JobName.ProcessEmail,
      { sessionId: 's', mailboxId: 'a@contoso.example', messageId, receivedDateTime: '2026-11-01T00:00:00Z', listing },
      { jobId: jobIds.processEmail('a@contoso.example', messageId) },
    );
    await job.remove(); // as if it had failed and been cleaned up: the dead letter is what is left
    await h.side.deadLetters.record(QueueName.EmailInbound, job, new Error('corrupt PDF'));
    return jobIds.deadLetter(QueueName.EmailInbound, String(job.id));
  };

  it('lists entries with the e-mail ids first, paged by offset and limit', async () => {
    await deadLetter('m1');
    await deadLetter('m2');
    const page = await h.handlers.dlq.list({ params: {}, query: { offset: 0, limit: 1 }, body: {}, headers: {} });
    expect(page).toMatchObject({
      status: 200,
      body: {
        total: 2,
        offset: 0,
        items: [{ source_queue: 'email-inbound', mailboxId: 'a@contoso.example', failed_reason: 'corrupt PDF' }],
      },
    });
    expect((page.body as { items: unknown[] }).items).toHaveLength(1);
  });

  it('replays one entry onto its source queue (202), 404 for an unknown id, and replays all', async () => {
    const id = await deadLetter('m3');
    await deadLetter('m4');
    const none = { params: {}, query: {}, body: {}, headers: {} };
    await expect(h.handlers.dlq.replayOne({ ...none, params: { id: 'nope' } })).rejects.toMatchObject({ status: 404 });
    expect(await h.handlers.dlq.replayOne({ ...none, params: { id } })).toMatchObject({
      status: 202,
      body: { status: 'replayed', sourceQueue: 'email-inbound' },
    });
    expect(await h.handlers.dlq.replayAll(none)).toMatchObject({ status: 202, body: { replayed: 1, errors: [] } });
    const back = await h.side.producer.queue(QueueName.EmailInbound).getJobs(['waiting']);
    expect(back.map((j) => j.data.messageId).sort()).toEqual(['m3', 'm4']);
  });
});
