import { allQueues, dedupIds, jobIds, JobName, JobQueue, QueueName, type HandlersFor } from '../src';

describe('job map', () => {
  it('puts every job name on exactly one known queue', () => {
    for (const name of Object.values(JobName)) expect(allQueues).toContain(JobQueue[name]);
    expect(Object.keys(JobQueue).sort()).toEqual(Object.values(JobName).sort());
  });

  it('uses the queue names fixed by the design', () => {
    expect(QueueName).toMatchObject({
      MailSync: 'mail-sync',
      EmailInbound: 'email-inbound',
      Ms4Outbound: 'ms4-outbound',
      DeadLetter: 'dead-letter',
    });
    expect(JobQueue['process-email']).toBe('email-inbound');
    expect(JobQueue['invoice-metadata']).toBe('ms4-outbound');
    expect(JobQueue['sync-mailbox']).toBe('mail-sync');
  });

  it('builds job ids without colons, as BullMQ requires', () => {
    expect(jobIds.processEmail('ap@contoso.example', 'AAMk:AD=')).toBe('ap@contoso.example~AAMk_AD=');
    expect(jobIds.deadLetter('email-inbound', 'a~b')).toBe('email-inbound~a~b');
    expect(jobIds.invoiceMetadata('abc:def')).not.toContain(':');
    expect(dedupIds.syncMailbox('ap@contoso.example', 'inbox')).toBe('sync:ap@contoso.example:inbox');
  });

  it('requires one handler per job name of a queue (compile-time)', () => {
    const ok: HandlersFor<'mail-sync'> = {
      'sync-tick': async () => ({ enqueued: 0 }),
      'sync-mailbox': async () => ({ pages: 0, messages: 0, removed: 0 }),
      'renew-subscriptions': async () => ({ renewed: 0 }),
    };
    // @ts-expect-error a missing handler does not compile
    const missing: HandlersFor<'mail-sync'> = { 'sync-tick': async () => ({ enqueued: 0 }) };
    const wrongQueue: HandlersFor<'ms4-outbound'> = {
      'invoice-metadata': async () => ({ batchId: 'b' }),
      // @ts-expect-error a job of another queue does not compile
      'process-email': async () => ({ outcome: 'invoice', invoices: 1, warnings: 0, reason: '' }),
    };
    expect(Object.keys(ok)).toHaveLength(3);
    expect(missing).toBeDefined();
    expect(wrongQueue).toBeDefined();
  });
});
