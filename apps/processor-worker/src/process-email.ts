import { createHash } from 'node:crypto';
import { JobName, jobIds, type JobHandler, type Ms4Item, type Producer } from '@ms1/shared';

/**
 * Foundation placeholder (issue 2): forwards each e-mail as one MS4 item without reading its attachments, so the
 * queue wiring can be exercised end to end. Classification and extraction replace it (issue 5).
 */
export function processEmailHandler(producer: Producer): JobHandler<'process-email'> {
  return async (job) => {
    const d = job.data;
    const invoiceKey = createHash('sha256').update(`${d.mailboxId}\n${d.messageId}\nbody`).digest('hex');
    const item: Ms4Item = {
      invoiceKey,
      sessionId: d.sessionId,
      mailboxId: d.mailboxId,
      messageId: d.messageId,
      internetMessageId: d.listing.internetMessageId,
      receivedDateTime: d.receivedDateTime,
      from: d.listing.from ?? { name: null, address: '' },
      subject: d.listing.subject,
      attachment: null,
      invoice: { format: 'none', kind: 'invoice', number: null, issueDate: null, dueDate: null, currency: null, totalAmount: null, taxExclusiveAmount: null, payableAmount: null, sellerName: null, sellerVatId: null, buyerName: null, iban: null, confidence: 0 },
      warnings: ['placeholder processing: no extraction yet'],
    };
    await producer.add(JobName.InvoiceMetadata, item, { jobId: jobIds.invoiceMetadata(invoiceKey) });
    return { outcome: 'invoice', invoices: 1, warnings: 1, reason: 'placeholder' };
  };
}
