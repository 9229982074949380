/** What a plain HTTP handler sees: no Express objects, so handlers are testable without sockets. */
export interface HttpInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface HttpOutput {
  status: number;
  body: unknown;
  /** Defaults to JSON; `text/plain` bodies are sent as strings. */
  contentType?: string;
  headers?: Record<string, string>;
}

export type HttpHandler = (input: HttpInput) => Promise<HttpOutput>;

/** An error a handler throws to answer with a status and a message (400 naming a field, 404, 409...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
