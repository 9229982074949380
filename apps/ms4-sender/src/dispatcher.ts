// Delivers cut batches to MS4 and settles each entry's job from MS4's answer. A job's promise resolves (the job
// completes) only once MS4 accepted its item; it rejects with RetryableError (BullMQ retries it with backoff, in a
// later batch under a new batchId), PermanentError (dead-letter, with MS4's reason) or HandBackError (handed
// back to the queue untouched at shutdown). Before every request: the circuit breaker, then the shared rate
// limiter (which also honours a shared 429 pause).
import { errorMessage, HandBackError, PermanentError, RetryableError, type Logger } from '@ms1/shared';
import { buildBatch, type SerializedItem } from './batch';
import { AbortedError, type CircuitBreaker } from './breaker';
import type { ItemResult, Ms4Client, SendResult } from './ms4-client';
import type { SharedPause } from './pause';
import type { RateLimiter } from './rate-limit';

export interface PendingItem extends SerializedItem {
  jobId: string;
  resolve(batchId: string): void;
  reject(err: Error): void;
}

export interface DispatcherDeps {
  client: Ms4Client;
  breaker: CircuitBreaker;
  limiter: RateLimiter;
  pause: SharedPause;
  logger: Logger;
}

export interface DispatchStats {
  /** Requests sent to MS4 (a batch resent after a 429 or while held counts again). */
  requests: number;
  itemsAccepted: number;
  itemsRetried: number;
  itemsRejected: number;
  throttled: number;
  failures: number;
}

export class Dispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  readonly stats: DispatchStats = {
    requests: 0,
    itemsAccepted: 0,
    itemsRetried: 0,
    itemsRejected: 0,
    throttled: 0,
    failures: 0,
  };

  constructor(private readonly deps: DispatcherDeps) {}

  /** Batches still being delivered. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Starts delivering a batch; its entries settle when it is done. */
  dispatch(items: PendingItem[]): void {
    const p = this.deliver(items).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Resolves once every batch in flight is settled. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops waiting and sending: batches in flight hand their jobs back to the queue. Safe to call twice. */
  handBack(): void {
    this.abort.abort();
  }

  private async deliver(items: PendingItem[]): Promise<void> {
    try {
      await this.deliverOnce(items);
    } catch (err) {
      if (err instanceof AbortedError) {
        this.deps.logger.info('batch handed back to the queue', { items: items.length });
        settleAll(items, () => new HandBackError('handed back at shutdown'));
        return;
      }
      // Redis unreachable while waiting for a token, or a bug: the jobs fail and BullMQ retries them.
      this.deps.logger.error('batch could not be delivered', { items: items.length, err });
      settleAll(items, () => new RetryableError(`batch not delivered: ${errorMessage(err)}`));
    }
  }

  private async deliverOnce(items: PendingItem[]): Promise<void> {
    const { breaker, limiter, client, pause, logger } = this.deps;
    const signal = this.abort.signal;
    const batch = buildBatch(items);
    const log = { batchId: batch.batchId, items: items.length, bytes: batch.bytes };
    for (;;) {
      const permit = await breaker.acquire(signal);
      let result: SendResult;
      let t0: number;
      let tokenAt: number;
      try {
        tokenAt = await limiter.take(signal);
        t0 = Date.now();
        result = await client.send(batch.batchId, batch.body, signal);
      } catch (err) {
        permit.neutral();
        throw err;
      }
      this.stats.requests++;
      // When Redis granted the token (its clock): the instant this request was allowed out, for causal checks.
      const sent = { ...log, tokenAt };
      const ms = Date.now() - t0;
      switch (result.kind) {
        case 'throttled': {
          permit.neutral();
          this.stats.throttled++;
          const pausedMs = await pause.pauseFor(result.retryAfterMs, 'ms4-429');
          logger.warn('MS4 throttled (429): every replica pauses', {
            ...sent,
            retryAfterMs: result.retryAfterMs,
            pausedMs,
          });
          continue; // the same batch, same batchId: a 429 stores nothing
        }
        case 'accepted':
          permit.success();
          this.stats.itemsAccepted += items.length;
          logger.debug('batch delivered', { ...sent, status: result.status, ms });
          for (const i of items) i.resolve(batch.batchId);
          return;
        case 'per-item':
          permit.success();
          this.settlePerItem(items, result.results, batch.batchId, { ...sent, status: result.status, ms });
          return;
        case 'too-large':
          permit.success();
          await this.split(items, result.message, log, 'as too large (413)');
          return;
        case 'refused':
          permit.neutral();
          await this.split(items, result.message, log, 'as invalid (400)');
          return;
        case 'failed':
          if (result.healthy) permit.neutral();
          else permit.failure();
          this.stats.failures++;
          if (!result.healthy && breaker.state !== 'closed') {
            // MS4 is down (the breaker is open): the batch waits for a probe with its jobs still active and
            // locked instead of spending the items' attempts (the same batchId is fine: a failed request stores
            // nothing, and one that did store answers 409 on the resend). Held batches take turns as the probe,
            // so a batch MS4 keeps choking on (a poison item) cannot hold the breaker open while others would
            // pass: once another probe closes it, that batch fails again with the breaker closed and its jobs
            // spend their attempts (JOB_ATTEMPTS, then dead-letter) as usual.
            logger.warn('batch failed while MS4 is unavailable: held until the circuit breaker lets it through', {
              ...sent,
              status: result.status,
              reason: result.message,
              ms,
            });
            continue;
          }
          this.stats.itemsRetried += items.length;
          logger.warn('batch failed, its jobs will be retried', {
            ...sent,
            status: result.status,
            reason: result.message,
            ms,
            breaker: breaker.state,
          });
          settleAll(items, () => new RetryableError(result.message));
          return;
      }
    }
  }

  private settlePerItem(
    items: PendingItem[],
    results: ItemResult[],
    batchId: string,
    log: Record<string, unknown>,
  ): void {
    const byIndex = new Map(results.map((r) => [r.index, r]));
    let accepted = 0;
    let failed = 0;
    let rejected = 0;
    items.forEach((item, index) => {
      const r = byIndex.get(index);
      if (!r || (r.invoiceKey !== null && r.invoiceKey !== item.invoiceKey)) {
        failed++;
        item.reject(new RetryableError(`MS4 gave no result for item ${index} of batch ${batchId}`));
      } else if (r.status === 'accepted') {
        accepted++;
        item.resolve(batchId);
      } else if (r.status === 'rejected') {
        rejected++;
        const reasons = r.reasons?.length ? `: ${r.reasons.join('; ')}` : '';
        item.reject(
          new PermanentError(`MS4 rejected the item (${r.code ?? 400}) ${r.error ?? 'invalid item'}${reasons}`),
        );
      } else {
        failed++;
        item.reject(
          new RetryableError(`MS4 failed the item (${r.code ?? 'no code'}): ${r.error ?? 'temporary failure'}`),
        );
      }
    });
    this.stats.itemsAccepted += accepted;
    this.stats.itemsRetried += failed;
    this.stats.itemsRejected += rejected;
    const level = failed + rejected > 0 ? 'info' : 'debug';
    this.deps.logger[level]('batch delivered item by item', { ...log, accepted, failed, rejected });
  }

  /**
   * 413, or a 400 without per-item results: halves go out as new batches, so the good items get through and the
   * item MS4 refuses ends alone, dead-lettered with MS4's message (a resend could never pass).
   */
  private async split(items: PendingItem[], message: string, log: Record<string, unknown>, why: string): Promise<void> {
    if (items.length === 1) {
      this.stats.itemsRejected++;
      items[0]?.reject(new PermanentError(`MS4 refused the item ${why}: ${message}`));
      return;
    }
    this.deps.logger.warn(`MS4 refused the batch ${why}: splitting it`, { ...log, reason: message });
    const half = Math.ceil(items.length / 2);
    await Promise.all([this.deliver(items.slice(0, half)), this.deliver(items.slice(half))]);
  }
}

function settleAll(items: PendingItem[], err: () => Error): void {
  for (const i of items) i.reject(err());
}
