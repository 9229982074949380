import type { SessionStore } from '@ms1/shared';
import type { QueueOverview } from '../queue-overview';
import type { HttpHandler } from '../types';

/** JSON summary of the session's counters and the queues (Prometheus text comes with the metrics registry). */
export function metricsRoutes(deps: { store: SessionStore; overview: QueueOverview }) {
  const summary: HttpHandler = async () => {
    const [session, queues] = await Promise.all([deps.store.current(), deps.overview.snapshot()]);
    return { status: 200, body: { session_id: session?.sessionId ?? null, counters: session?.counters ?? null, queues: queues.counts, services: queues.services } };
  };
  return { summary };
}
