// Compile-time checks of the typed job map. `pnpm typecheck` compiles this file (tsconfig.tests.json); every
// `@ts-expect-error` line must fail to compile, or the type check fails with "Unused '@ts-expect-error' directive".
// Nothing here runs.
import {
  createWorker,
  JobName,
  type DeadLetters,
  type HandlersFor,
  type Producer,
  type QueueSetup,
  type TypedJob,
} from '../src';
import { emailData, emailOutcome } from './helpers';

declare const producer: Producer;
declare const queueSetup: QueueSetup;
declare const deadLetters: DeadLetters;

export const complete: HandlersFor<'mail-sync'> = {
  'sync-tick': async () => ({ enqueued: 0 }),
  'sync-mailbox': async () => ({ pages: 0, messages: 0, removed: 0 }),
  'backfill-range': async () => ({ pages: 0, messages: 0, done: true }),
  'renew-subscriptions': async () => ({ renewed: 0 }),
};

// @ts-expect-error a queue's handler set with one missing does not compile
export const missing: HandlersFor<'mail-sync'> = { 'sync-tick': async () => ({ enqueued: 0 }) };

export const wrongQueue: HandlersFor<'ms4-outbound'> = {
  'invoice-metadata': async () => ({ batchId: 'b' }),
  // @ts-expect-error a job of another queue does not compile
  'process-email': async (job) => emailOutcome(job.data),
};

export const wrongResult: HandlersFor<'email-inbound'> = {
  // @ts-expect-error an e-mail's outcome must name its message (no ids recovered from job keys)
  'process-email': async () => ({ outcome: 'invoice', invoices: 1, warnings: 0, reason: '' }),
};

export async function adds(): Promise<void> {
  await producer.add(JobName.SyncTick, { sessionId: 's' });
  // @ts-expect-error the data must be the job name's payload
  await producer.add(JobName.SyncTick, { mailboxId: 'm' });
}

export async function flows(): Promise<void> {
  const data = emailData('m');
  const parent = {
    name: JobName.SyncPage,
    jobId: 'p',
    data: { sessionId: 's', mailboxId: 'm', folder: 'inbox', roundId: 'r', page: 1, messageCount: 1 },
  };
  await producer.addFlow(parent, [{ name: JobName.ProcessEmail, jobId: 'c', data }]);
  // @ts-expect-error a page's children are process-email jobs only
  await producer.addFlow(parent, [{ name: JobName.InvoiceMetadata, jobId: 'c', data }]);
  // @ts-expect-error a child's data must be its job name's payload
  await producer.addFlow(parent, [{ name: JobName.ProcessEmail, jobId: 'c', data: { sessionId: 's' } }]);
  // @ts-expect-error only the parents of FlowChildren can start a flow
  await producer.addFlow({ name: JobName.ProcessEmail, jobId: 'p', data }, []);
}

export async function schedulers(): Promise<void> {
  await producer.upsertJobScheduler('polling', { every: 1000 }, { name: JobName.SyncTick, data: { sessionId: 's' } });
  // @ts-expect-error a scheduler's template data must be its job name's payload
  await producer.upsertJobScheduler('polling', { every: 1000 }, { name: JobName.SyncTick, data: { reason: 'x' } });
}

export function workers(): void {
  const worker = createWorker(
    'email-inbound',
    { 'process-email': async (job) => emailOutcome(job.data) },
    {
      queueSetup,
      deadLetters,
    },
  );
  worker.on('completed', (job: TypedJob<'process-email'>, result) => {
    const messageId: string = result.messageId;
    // @ts-expect-error the worker's jobs are the queue's jobs, not any job
    const wrong: TypedJob<'invoice-metadata'> = job;
    void [messageId, wrong];
  });
  // @ts-expect-error dead letters are not consumed by a worker of the factory
  createWorker('dead-letter', {}, { queueSetup, deadLetters });
}

export async function deadLetterRecord(job: TypedJob<'process-email'>, page: TypedJob<'sync-page'>): Promise<void> {
  await deadLetters.record(job, new Error('x'));
  await deadLetters.record(page, new Error('x'));
  // @ts-expect-error a dead letter is never dead-lettered again
  await deadLetters.record({} as TypedJob<'dead-letter'>, new Error('x'));
}
