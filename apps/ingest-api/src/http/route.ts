import Joi from 'joi';
import { validateInput } from './validate';

/** What a plain handler sees: no Express objects, so a handler is a function that tests call directly. */
export interface HttpInput<B = unknown, Q = Record<string, unknown>> {
  params: Record<string, string>;
  /** Validated by the route's query schema. */
  query: Q;
  /** Validated by the route's body schema (given the query, for the webhook handshake). */
  body: B;
  headers: Record<string, string | string[] | undefined>;
}

/** What a plain handler returns. Expected failures are thrown as `HttpError` instead. */
export interface HttpOutput {
  status: number;
  body: unknown;
  /** Defaults to JSON; other types are sent as text. */
  contentType?: string;
  headers?: Record<string, string>;
}

export type HttpHandler<B = unknown, Q = Record<string, unknown>> = (input: HttpInput<B, Q>) => Promise<HttpOutput>;

/**
 * Who may call a route:
 * - `none`: anybody (health, the OAuth callback, which carries its own one-time `state`);
 * - `bearer`: `Authorization: Bearer <CONTROL_API_TOKEN>`, nothing else (Basic auth is for Bull Board only);
 * - `webhook`: Graph, which cannot authenticate: rate-limited, and each notification's `clientState` is checked.
 */
export type AuthKind = 'none' | 'bearer' | 'webhook';

export interface RouteSpec<B, Q> {
  method: 'get' | 'post';
  path: string;
  auth: AuthKind;
  /** Joi schema of the query string; a failure is a 400 naming the parameter. */
  query?: Joi.Schema<Q>;
  /** Joi schema of the body, validated with `{ query }` as context; a failure is a 400 naming the field. */
  body?: Joi.Schema<B>;
  /** False for the one route that reports on Redis itself (/health); others get a 503 while Redis is away. */
  needsRedis?: boolean;
  /** Upper bound of the handler (default HTTP_REQUEST_TIMEOUT_MS); longer for routes that wait on Graph. */
  timeoutMs?: number;
  handler: HttpHandler<B, Q>;
}

/** A route of the table, its schemas and handler bound together: `run` validates, then calls the handler. */
export interface Route {
  method: 'get' | 'post';
  path: string;
  auth: AuthKind;
  needsRedis: boolean;
  timeoutMs: number | null;
  run(raw: HttpInput<unknown, unknown>): Promise<HttpOutput>;
}

export function defineRoute<B = unknown, Q = Record<string, unknown>>(spec: RouteSpec<B, Q>): Route {
  const querySchema: Joi.Schema<Q> = spec.query ?? Joi.object().unknown(true);
  const bodySchema: Joi.Schema<B> = spec.body ?? Joi.any();
  return {
    method: spec.method,
    path: spec.path,
    auth: spec.auth,
    needsRedis: spec.needsRedis ?? true,
    timeoutMs: spec.timeoutMs ?? null,
    run: async (raw) => {
      const query = validateInput(querySchema, raw.query, 'query');
      const body = validateInput(bodySchema, raw.body, 'body', { query });
      return spec.handler({ params: raw.params, headers: raw.headers, query, body });
    },
  };
}
