import type { GraphRequest } from '../graph/types';

/** An absolute link to the same resource with some query options replaced. */
export function linkWith(req: GraphRequest, set: Record<string, string>): string {
  const q = new URLSearchParams(req.query);
  for (const [k, v] of Object.entries(set)) q.set(k, v);
  const qs = q.toString().replace(/%24/g, '$');
  return `${req.baseUrl}${req.path}${qs ? `?${qs}` : ''}`;
}

export function contextUrl(req: GraphRequest, fragment: string): string {
  return `${req.baseUrl}/$metadata#${fragment}`;
}
