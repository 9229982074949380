import { errorMessage } from '../errors';
import { pingRedis } from '../redis/checks';
import type { RedisConnection } from '../redis/connection';
import { HttpError } from './http-error';

export interface HealthCheckResult {
  ok: boolean;
  details: Record<string, unknown>;
}

/** What a side-port handler answers; failures are thrown as `HttpError` (ingest-api's handlers do the same). */
export interface SidePortAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface SidePortChecks {
  check: () => Promise<HealthCheckResult>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** How long `check` may take before /health answers 503 (a hung Redis must not hang /health). */
  checkTimeoutMs?: number;
}

export type SidePortHandler = () => Promise<SidePortAnswer>;

const JSON_TYPE = 'application/json; charset=utf-8';
const CHECK_TIMEOUT_MS = 1500;
/** Well within the check's own bound, so that a slow Redis shows as `redis: false` beside the other checks. */
const REDIS_PING_TIMEOUT_MS = 500;

/**
 * The check of a worker app: Redis answers a PING in time and the app's BullMQ worker runs; `details` adds what the
 * app wants shown beside them (the sender's circuit breaker).
 */
export function workerHealthCheck(deps: {
  connection: RedisConnection;
  worker: { isRunning(): boolean };
  details?: () => Record<string, unknown>;
}): () => Promise<HealthCheckResult> {
  return async () => {
    const redis = await pingRedis(deps.connection, REDIS_PING_TIMEOUT_MS);
    const worker = deps.worker.isRunning();
    return { ok: redis && worker, details: { redis, worker, ...deps.details?.() } };
  };
}

/**
 * The routes of the workers' side port as plain handlers, by `METHOD path`: `GET /health` answers 200 with the
 * checks when `check` says healthy, else throws a 503 carrying them (`{"error":{"code":"unavailable","message",
 * "checks"}}`); `GET /metrics` answers what `metrics` gives.
 */
export function sidePortRoutes(opts: SidePortChecks): ReadonlyMap<string, SidePortHandler> {
  const routes = new Map<string, SidePortHandler>();
  routes.set('GET /health', async () => {
    const { ok, details } = await boundedCheck(opts.check, opts.checkTimeoutMs ?? CHECK_TIMEOUT_MS);
    if (!ok) throw new HttpError(503, 'a health check failed', { details: { checks: details } });
    return { status: 200, contentType: JSON_TYPE, body: JSON.stringify({ status: 'ok', ...details }) };
  });
  const { metrics } = opts;
  if (metrics) routes.set('GET /metrics', async () => ({ status: 200, ...(await metrics()) }));
  return routes;
}

/** Answers one request with its route's handler; an unknown route is a 404 in the error shape. */
export async function answerSidePort(
  routes: ReadonlyMap<string, SidePortHandler>,
  method: string,
  path: string,
): Promise<SidePortAnswer> {
  const handler = routes.get(`${method} ${path}`);
  if (!handler) throw new HttpError(404, `no route for ${method} ${path}`);
  return handler();
}

/** The check, or "unhealthy" when it throws or does not answer in time. */
async function boundedCheck(check: () => Promise<HealthCheckResult>, timeoutMs: number): Promise<HealthCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<HealthCheckResult>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, details: { timeout: true } }), timeoutMs);
      }),
    ]);
  } catch (err) {
    return { ok: false, details: { error: errorMessage(err) } };
  } finally {
    clearTimeout(timer);
  }
}
