/**
 * The one shape of every HTTP answer that is not a success, on ingest-api and on the workers' side ports:
 * `{ "error": { "code": "invalid_request", "message": "value[0] must be of type object", "field": "value[0]" } }`.
 * `code` is stable and meant for programs, `message` is for people; a few answers add details beside them
 * (`field` on a 400, `session` on a 409 of /session/start, `checks` on a 503 of /health).
 */
export interface ErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'unavailable',
};

export function errorCodeFor(status: number): string {
  return CODE_BY_STATUS[status] ?? 'error';
}

/** The one error builder. */
export function errorBody(
  status: number,
  message: string,
  details: Record<string, unknown> = {},
  code?: string,
): ErrorBody {
  const fixed = { code: code ?? errorCodeFor(status), message };
  // code and message come first and cannot be overridden by a detail.
  return { error: Object.assign({ ...fixed }, details, fixed) };
}

export interface HttpErrorOptions {
  /** Overrides the status's default code (e.g. `invalid_json` for a 400). */
  code?: string;
  /** Extra members of the error object (`field`, `session`, `checks`). */
  details?: Record<string, unknown>;
  /** Response headers (`Retry-After`, `WWW-Authenticate`). */
  headers?: Record<string, string>;
}

/** What a plain handler throws for an expected failure: the adapter answers it with its status and the error shape. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    message: string,
    opts: HttpErrorOptions = {},
  ) {
    super(message);
    this.code = opts.code ?? errorCodeFor(status);
    this.details = opts.details ?? {};
    this.headers = opts.headers ?? {};
  }

  /** A 400 that names the field at fault. */
  static badRequest(field: string, message: string): HttpError {
    return new HttpError(400, message, { details: { field } });
  }

  body(): ErrorBody {
    return errorBody(this.status, this.message, this.details, this.code);
  }
}
