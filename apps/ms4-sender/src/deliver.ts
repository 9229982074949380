import type { JobHandler } from '@ms1/shared';

/**
 * Foundation placeholder (issue 2): consumes `invoice-metadata` jobs and acknowledges them, so the wiring can be
 * exercised. Batched delivery to MS4 replaces it (issue 6).
 */
export function deliverHandler(): JobHandler<'invoice-metadata'> {
  return async (job, { logger }) => {
    logger.debug('item consumed (placeholder sender)', { invoiceKey: job.data.invoiceKey });
    return { batchId: 'placeholder' };
  };
}
