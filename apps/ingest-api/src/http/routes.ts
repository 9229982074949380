import { callbackQuery, type authHandlers } from './handlers/auth';
import { listQuery, type dlqHandlers } from './handlers/dlq';
import type { healthHandlers } from './handlers/health';
import { dailyQuery, type metricsHandlers } from './handlers/metrics';
import { changeNotifications, handshakeQuery, lifecycleNotifications } from './handlers/notifications';
import type { pollingHandlers } from './handlers/polling';
import { startBody, stopBody, type sessionHandlers } from './handlers/session';
import type { webhookHandlers } from './handlers/webhooks';
import { defineRoute, type Route } from './route';

/** Routes that may wait on Graph or the identity platform, or write many keys: a longer bound than reads. */
const SLOW_ROUTE_TIMEOUT_MS = 15_000;

export interface Handlers {
  health: ReturnType<typeof healthHandlers>;
  webhooks: ReturnType<typeof webhookHandlers>;
  auth: ReturnType<typeof authHandlers>;
  session: ReturnType<typeof sessionHandlers>;
  polling: ReturnType<typeof pollingHandlers>;
  metrics: ReturnType<typeof metricsHandlers>;
  dlq: ReturnType<typeof dlqHandlers>;
}

/** Every route of ingest-api but Bull Board (mounted beside it): method, path, who may call, schemas, handler. */
export function routeTable(h: Handlers): Route[] {
  return [
    defineRoute({ method: 'get', path: '/health', auth: 'none', needsRedis: false, handler: h.health.health }),

    defineRoute({
      method: 'post',
      path: '/webhooks/graph',
      auth: 'webhook',
      query: handshakeQuery,
      body: changeNotifications,
      handler: h.webhooks.notify,
    }),
    defineRoute({
      method: 'post',
      path: '/webhooks/graph/lifecycle',
      auth: 'webhook',
      query: handshakeQuery,
      body: lifecycleNotifications,
      handler: h.webhooks.lifecycle,
    }),

    // Microsoft's sign-in redirects the browser here: it cannot carry our token; the one-time `state` protects it.
    defineRoute({
      method: 'get',
      path: '/auth/callback',
      auth: 'none',
      query: callbackQuery,
      timeoutMs: SLOW_ROUTE_TIMEOUT_MS,
      handler: h.auth.callback,
    }),
    defineRoute({ method: 'get', path: '/auth/login', auth: 'bearer', handler: h.auth.login }),

    defineRoute({
      method: 'post',
      path: '/session/start',
      auth: 'bearer',
      body: startBody,
      timeoutMs: SLOW_ROUTE_TIMEOUT_MS,
      handler: h.session.start,
    }),
    defineRoute({
      method: 'post',
      path: '/session/stop',
      auth: 'bearer',
      body: stopBody,
      timeoutMs: SLOW_ROUTE_TIMEOUT_MS,
      handler: h.session.stop,
    }),
    defineRoute({ method: 'get', path: '/session/status', auth: 'bearer', handler: h.session.status }),
    defineRoute({ method: 'get', path: '/session/history', auth: 'bearer', handler: h.session.history }),
    defineRoute({ method: 'post', path: '/polling/trigger', auth: 'bearer', handler: h.polling.trigger }),
    defineRoute({ method: 'get', path: '/metrics', auth: 'bearer', handler: h.metrics.summary }),
    defineRoute({ method: 'get', path: '/metrics/daily', auth: 'bearer', query: dailyQuery, handler: h.metrics.daily }),

    defineRoute({ method: 'get', path: '/dlq', auth: 'bearer', query: listQuery, handler: h.dlq.list }),
    defineRoute({
      method: 'post',
      path: '/dlq/replay',
      auth: 'bearer',
      timeoutMs: SLOW_ROUTE_TIMEOUT_MS,
      handler: h.dlq.replayAll,
    }),
    defineRoute({ method: 'post', path: '/dlq/:id/replay', auth: 'bearer', handler: h.dlq.replayOne }),
  ];
}
