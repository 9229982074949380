import Joi from 'joi';
import { Gauge } from 'prom-client';
import type { DailyMetrics, Metrics, SessionStore } from '@ms1/shared';
import type { QueueOverview } from '../queue-overview';
import type { HttpHandler, HttpInput } from '../route';

export interface DailyQuery {
  days: number;
}

export const dailyQuery = Joi.object<DailyQuery>({
  days: Joi.number().integer().min(1).max(400).default(7),
}).unknown(false);

/**
 * `GET /metrics/daily?days=N`: per UTC day (today first) and mailbox, e-mails discovered, invoices forwarded, not
 * invoices, unreadable, dead-lettered and Graph requests.
 *
 * `GET /metrics`: the JSON summary (session counters, queues, services) by default; Prometheus text when the
 * client asks for it (`Accept: text/plain` or OpenMetrics), with queue depths and session counters as gauges.
 */
export function metricsHandlers(deps: {
  store: SessionStore;
  overview: QueueOverview;
  metrics: Metrics;
  daily: DailyMetrics;
}) {
  const { registry } = deps.metrics;
  new Gauge({
    name: 'ms1_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const { counts } = await deps.overview.snapshot();
      for (const [queue, states] of Object.entries(counts))
        for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
    },
  });
  new Gauge({
    name: 'ms1_session_counter',
    help: 'Counters of the active session',
    labelNames: ['counter'],
    registers: [registry],
    async collect() {
      this.reset();
      const session = await deps.store.current();
      if (session) for (const [counter, n] of Object.entries(session.counters)) this.set({ counter }, n);
    },
  });

  const summary: HttpHandler = async (input: HttpInput) => {
    if (wantsPrometheus(input)) {
      const { contentType, body } = await deps.metrics.text();
      return { status: 200, contentType, body };
    }
    const [session, queues] = await Promise.all([deps.store.current(), deps.overview.snapshot()]);
    return {
      status: 200,
      body: {
        session_id: session?.sessionId ?? null,
        counters: session?.counters ?? null,
        queues: queues.counts,
        services: queues.services,
      },
    };
  };
  const daily: HttpHandler<unknown, DailyQuery> = async ({ query }) => {
    const days = Math.min(query.days, deps.daily.keepDays);
    return { status: 200, body: { days: await deps.daily.read(days), kept_days: deps.daily.keepDays } };
  };
  return { summary, daily };
}

function wantsPrometheus(input: HttpInput): boolean {
  const accept = String(input.headers.accept ?? '');
  return /text\/plain|application\/openmetrics-text/i.test(accept);
}
