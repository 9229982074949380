import {
  HandBackError,
  JobName,
  jobIds,
  PermanentError,
  type AttachmentStore,
  type DailyMetrics,
  type EmailOutcome,
  type EmailOutcomes,
  type Ms4Item,
  type JobHandler,
  type MailGraph,
  type ProcessEmailData,
  type Producer,
  type SessionStore,
} from '@ms1/shared';
import { classifyMessage } from './classify';
import { loadDocument } from './documents';
import type { DocumentReader } from './extract';
import { toMs4Item } from './ms4-items';

export interface ProcessDeps {
  producer: Producer;
  attachments: AttachmentStore;
  graph: MailGraph;
  sessions: SessionStore;
  /** Reads documents in reader threads, each e-mail on its own budget of time and bytes. */
  reader: DocumentReader;
  /** Records each e-mail's outcome; a final one enqueues the e-mail's after-action (mail rules). */
  outcomes: EmailOutcomes;
  /** Per UTC day and mailbox: not invoices, unreadable. */
  daily?: DailyMetrics;
}

/**
 * One e-mail: classify it, read its candidate documents, extract every invoice, emit one MS4 item per invoice.
 * Bad documents never crash the worker: the good ones are forwarded with warnings naming the bad ones; when an
 * invoice candidate yields nothing readable, the e-mail goes to the dead-letter queue with the reasons. All the
 * e-mail's documents share one budget of reading time and bytes; a document that does not fit is not read.
 */
export function processEmailHandler(deps: ProcessDeps): JobHandler<'process-email'> {
  return async (job, { logger }) => {
    const email = job.data;
    const { listing } = email;
    const caller = { mailboxId: email.mailboxId, sessionId: email.sessionId };
    // A re-run of this job (stalled, crashed) counts nothing more; a replay from dead-letter is a new job and counts.
    const countOnce = `email:${String(job.id)}:${job.timestamp}`;
    const verdict = classifyMessage({
      subject: listing.subject,
      bodyPreview: listing.bodyPreview,
      attachments: listing.attachments,
    });
    const candidates = listing.attachments.filter((a) => verdict.candidateAttachments.includes(a.name));
    if (!verdict.candidate || candidates.length === 0) {
      if (await deps.sessions.incrOnce(email.sessionId, countOnce, { processed: 1, notInvoices: 1 }))
        await deps.daily?.incr(email.mailboxId, { notInvoices: 1 });
      await deps.outcomes.notInvoice(email);
      return outcome(
        email,
        'not-an-invoice',
        0,
        0,
        verdict.candidate ? `${verdict.reason}, but no document attached` : verdict.reason,
      );
    }

    const mailWarnings = listing.from ? [] : ['the e-mail has no sender'];
    const problems: string[] = [];
    const items: Ms4Item[] = [];
    let warnings = 0;
    const budget = deps.reader.newEmailBudget();
    for (const a of candidates) {
      const refusal = budget.refusal(a.size);
      if (refusal !== null) {
        problems.push(`${a.name}: limit-exceeded (${refusal})`);
        continue;
      }
      const doc = await loadDocument(a, {
        attachments: deps.attachments,
        graph: deps.graph,
        caller,
        messageId: email.messageId,
      });
      if ('problem' in doc) {
        problems.push(doc.problem);
        continue;
      }
      const input = { name: a.name, contentType: a.contentType, bytes: doc.bytes };
      // The document's bytes are not needed here afterwards: the reader may move them to its thread.
      const result = await deps.reader.extract(input, { budget, handOver: true });
      // A document in flight when the readers shut down (SIGTERM past the workers' grace) failed for that, not for
      // what it holds: the e-mail goes back to its queue with its attempts, its other documents not loaded, rather
      // than to the dead-letter queue as unreadable.
      if (deps.reader.closed) throw new HandBackError('the document readers shut down while the e-mail was read');
      if (result.invoices.length === 0) {
        problems.push(`${a.name}: ${result.outcome} (${result.reason})`);
        continue;
      }
      for (const found of result.invoices) {
        const member = found.archiveName !== undefined;
        const stored = member
          ? await deps.attachments.put(found.bytes)
          : { sha256: doc.sha256, storageRef: doc.storageRef };
        const attachment = {
          name: found.sourceName,
          contentType: found.contentType,
          size: found.size,
          sha256: stored.sha256,
          storageRef: stored.storageRef,
          ...(member ? { archiveName: found.archiveName } : {}),
        };
        const itemWarnings = [...mailWarnings, ...result.warnings, ...found.warnings];
        items.push(toMs4Item(email, found, attachment, itemWarnings));
        warnings += itemWarnings.length;
      }
    }

    if (items.length === 0) {
      if (await deps.sessions.incrOnce(email.sessionId, countOnce, { processed: 1, unreadable: 1 }))
        await deps.daily?.incr(email.mailboxId, { unreadable: 1 });
      // Retrying cannot repair the documents: straight to the dead-letter queue, with what was wrong.
      throw new PermanentError(`invoice e-mail with no readable invoice: ${problems.join('; ')}`);
    }
    if (problems.length > 0) logger.warn('some documents of the e-mail could not be read', { problems });
    // The invoices expected of the e-mail are known before MS4 can accept any: `forwarded` waits for all of them.
    await deps.outcomes.invoicesFound(
      email,
      items.map((i) => i.invoiceKey),
    );
    for (const item of items)
      await deps.producer.add(JobName.InvoiceMetadata, item, { jobId: jobIds.invoiceMetadata(item.invoiceKey) });
    await deps.sessions.incrOnce(email.sessionId, countOnce, {
      processed: 1,
      invoices: items.length,
      warnings: warnings + problems.length,
    });
    const n = items.length;
    return outcome(
      email,
      'invoice',
      n,
      warnings + problems.length,
      problems.length ? `forwarded ${n}; unreadable: ${problems.join('; ')}` : `forwarded ${n}`,
    );
  };
}

function outcome(
  email: ProcessEmailData,
  kind: EmailOutcome['outcome'],
  invoices: number,
  warnings: number,
  reason: string,
): EmailOutcome {
  return { mailboxId: email.mailboxId, messageId: email.messageId, outcome: kind, invoices, warnings, reason };
}
