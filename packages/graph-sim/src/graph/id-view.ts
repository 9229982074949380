import type { IdView } from '../state/types';
import type { GraphRequest } from './types';

const IMMUTABLE = /IdType\s*=\s*"?ImmutableId"?/i;

/** Graph answers immutable ids only to a request that carries `Prefer: IdType="ImmutableId"` (each request). */
export function idViewOf(req: GraphRequest): IdView {
  return IMMUTABLE.test(req.headers.prefer ?? '') ? 'immutable' : 'rest';
}
