import type { GraphSettings } from '../config/config';
import type { Logger } from '../logging/logger';
import type { RedisConnection } from '../redis/connection';
import type { DailyMetrics } from '../metrics/daily-metrics';
import type { Metrics } from '../metrics/metrics';
import type { SessionStore } from '../session/session-store';
import { MailGraph } from './mail-graph';
import { MailboxLimiter } from './mailbox-limiter';
import { MsalTokenProvider } from './token-provider';

export interface GraphStack {
  tokens: MsalTokenProvider;
  limiter: MailboxLimiter;
  graph: MailGraph;
}

/** Token provider, limiter and client as every app builds them, counting each call against its session. */
export function createGraphStack(
  config: { readonly graph: GraphSettings },
  redis: RedisConnection,
  keyPrefix: string,
  logger: Logger,
  sessions: SessionStore,
  metrics?: Metrics,
  daily?: DailyMetrics,
): GraphStack {
  const tokens = new MsalTokenProvider(config.graph, redis, keyPrefix, logger);
  const limiter = new MailboxLimiter(redis, keyPrefix, {
    maxConcurrent: config.graph.maxConcurrency,
    maxPerWindow: config.graph.maxRequestsPerWindow,
    windowMs: config.graph.windowMs,
  });
  const graph = new MailGraph({
    baseUrl: config.graph.baseUrl,
    tokens,
    limiter,
    retryAfterMaxMs: config.graph.retryAfterMaxMs,
    onCall: ({ caller, throttled, status }) => {
      metrics?.graphRequests.inc({ status: String(status) });
      daily
        ?.incr(caller.mailboxId, { graphRequests: 1 })
        .catch((err: unknown) => logger.debug('could not count a Graph call for the day', { err }));
      if (!caller.sessionId) return;
      sessions
        .incr(caller.sessionId, { graphRequests: 1, graphThrottled: throttled ? 1 : 0 })
        .catch((err: unknown) => logger.debug('could not count a Graph call', { err }));
    },
  });
  return { tokens, limiter, graph };
}
