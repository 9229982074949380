import { allQueues, dedupIds, jobIds, JobName, JobQueue, QueueName } from '../src';

// What only the compiler can check (one handler per job name, typed flows, schedulers, results) is checked at
// compile time by job-map.typecheck.ts; these are the run-time facts.

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
});
