import { randomUUID } from 'node:crypto';
import type { GraphPipeline } from '../graph/pipeline';
import { errorResponse } from '../graph/pipeline';
import type { GraphRequest, GraphResponse } from '../graph/types';
import { Base64Value } from '../content/json-bytes';

const MAX_REQUESTS = 20;
const PARALLEL = 4;

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface InnerResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function parse(body: unknown): InnerRequest[] | string {
  const reqs = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(reqs)) return 'The batch request must have a requests array.';
  if (reqs.length === 0) return 'The batch request must contain at least one request.';
  if (reqs.length > MAX_REQUESTS) return `The number of batch requests exceeds the limit of ${MAX_REQUESTS}.`;
  const ids = new Set<string>();
  for (const r of reqs as Record<string, unknown>[]) {
    if (typeof r?.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string')
      return 'Each batch request needs id, method and url.';
    if (ids.has(r.id)) return `Batch request id '${r.id}' is duplicated.`;
    ids.add(r.id);
  }
  for (const r of reqs as InnerRequest[]) {
    for (const d of r.dependsOn ?? []) {
      if (!ids.has(d)) return `Request '${r.id}' depends on unknown request '${d}'.`;
      const dep = (reqs as InnerRequest[]).find((x) => x.id === d);
      if (dep?.dependsOn?.length) return 'Batch dependsOn supports one level only.';
    }
  }
  return reqs as InnerRequest[];
}

function innerRequest(outer: GraphRequest, r: InnerRequest): GraphRequest {
  const u = new URL(r.url.replace(/^\/?/, '/').replace(/^\/v1\.0\//i, '/'), 'http://inner');
  const headers: Record<string, string> = {};
  if (outer.headers.authorization) headers.authorization = outer.headers.authorization;
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  return {
    method: r.method.toUpperCase(),
    path: u.pathname,
    query: u.searchParams,
    headers,
    body: r.body,
    baseUrl: outer.baseUrl,
    requestId: randomUUID(),
    clientRequestId: headers['client-request-id'] ?? outer.clientRequestId,
    inBatch: true,
  };
}

function toInner(id: string, res: GraphResponse): InnerResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    headers[k === 'retry-after' ? 'Retry-After' : k === 'content-type' ? 'Content-Type' : k] = v;
  }
  let body: unknown = res.body;
  if (res.raw) {
    // Graph carries a non-JSON inner body as a base64 string; it is encoded while the batch answer is written.
    body = new Base64Value(res.raw);
    headers['Content-Type'] = headers['Content-Type'] ?? 'application/octet-stream';
  } else if (body !== undefined) headers['Content-Type'] = 'application/json';
  return body === undefined ? { id, status: res.status, headers } : { id, status: res.status, headers, body };
}

/** POST /$batch: at most 20 requests, one level of dependsOn, 4 run in parallel, each through the pipeline on its own. */
export async function handleBatch(pipeline: GraphPipeline, outer: GraphRequest): Promise<GraphResponse> {
  const parsed = parse(outer.body);
  if (typeof parsed === 'string') return errorResponse(outer, 400, 'BadRequest', parsed);
  const results = new Map<string, InnerResponse>();
  const waiters = new Map<string, Promise<InnerResponse>>();
  let running = 0;
  const queue: (() => void)[] = [];
  const slot = async (): Promise<() => void> => {
    if (running >= PARALLEL) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    return () => {
      running--;
      queue.shift()?.();
    };
  };
  const run = async (r: InnerRequest): Promise<InnerResponse> => {
    for (const d of r.dependsOn ?? []) {
      const dep = await waiters.get(d);
      if (!dep || dep.status >= 400) {
        return toInner(r.id, errorResponse(outer, 424, 'FailedDependency', `Dependent request '${d}' failed.`));
      }
    }
    const free = await slot();
    try {
      const handled = await pipeline.handle(innerRequest(outer, r));
      handled.release();
      return toInner(r.id, handled.response);
    } finally {
      free();
    }
  };
  for (const r of parsed) waiters.set(r.id, run(r));
  for (const r of parsed) results.set(r.id, await (waiters.get(r.id) as Promise<InnerResponse>));
  return { status: 200, headers: {}, body: { responses: parsed.map((r) => results.get(r.id)) } };
}
