import type { Message } from '@microsoft/microsoft-graph-types';
import { GraphError } from '../util/errors';
import { canonicalMessageProperty } from './properties';

export type FilterOp = 'eq' | 'ne' | 'ge' | 'gt' | 'le' | 'lt';
export interface FilterClause {
  prop: 'isRead' | 'hasAttachments' | 'receivedDateTime';
  op: FilterOp;
  value: boolean | number;
}
export interface OrderBy {
  prop: string;
  desc: boolean;
}

const FILTERABLE = new Map<string, FilterClause['prop']>([
  ['isread', 'isRead'],
  ['hasattachments', 'hasAttachments'],
  ['receiveddatetime', 'receivedDateTime'],
]);

function badRequest(message: string, code = 'BadRequest'): GraphError {
  return new GraphError(400, code, message);
}

/** $select: canonical property names, or null when absent. Unknown names are a 400 as in Graph. */
export function parseSelect(raw: string | null): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  return raw.split(',').map((p) => {
    const name = p.trim();
    const canon = canonicalMessageProperty(name);
    if (!canon)
      throw badRequest(
        `Could not find a property named '${name}' on type 'microsoft.graph.message'.`,
        'RequestBroker--ParseUri',
      );
    return canon;
  });
}

/** $expand: only attachments is supported; a nested ($select=...) is accepted and ignored. */
export function parseExpand(raw: string | null): boolean {
  if (raw === null || raw.trim() === '') return false;
  const items = raw.split(/,(?![^(]*\))/).map((s) => s.trim());
  let attachments = false;
  for (const item of items) {
    const name = item.replace(/\(.*\)$/, '').trim();
    if (name.toLowerCase() === 'attachments') attachments = true;
    else
      throw badRequest(
        `Could not find a property named '${name}' on type 'microsoft.graph.message'.`,
        'RequestBroker--ParseUri',
      );
  }
  return attachments;
}

function parseValue(prop: FilterClause['prop'], raw: string): boolean | number {
  if (prop === 'receivedDateTime') {
    const v = raw.replace(/^'(.*)'$/, '$1');
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw badRequest(`Invalid filter clause: '${raw}' is not a valid DateTimeOffset.`);
    return t;
  }
  const lower = raw.toLowerCase();
  if (lower !== 'true' && lower !== 'false')
    throw badRequest(`Invalid filter clause: '${raw}' is not a valid Boolean.`);
  return lower === 'true';
}

/** $filter: clauses joined by `and`, each `prop op value` on isRead, hasAttachments or receivedDateTime. */
export function parseFilter(raw: string | null): FilterClause[] {
  if (raw === null || raw.trim() === '') return [];
  const parts = raw.trim().split(/\s+and\s+/i);
  return parts.map((part) => {
    const m = /^\(?\s*([A-Za-z/]+)\s+(eq|ne|ge|gt|le|lt)\s+(.+?)\s*\)?$/i.exec(part.trim());
    if (!m) throw badRequest(`Invalid filter clause: '${part}'.`);
    const prop = FILTERABLE.get(m[1].toLowerCase());
    if (!prop) throw badRequest(`Invalid filter clause: filtering on '${m[1]}' is not supported by graph-sim.`);
    return { prop, op: m[2].toLowerCase() as FilterOp, value: parseValue(prop, m[3]) };
  });
}

export function parseOrderBy(raw: string | null): OrderBy[] {
  if (raw === null || raw.trim() === '') return [];
  return raw.split(',').map((p) => {
    const [name, dir] = p.trim().split(/\s+/);
    const canon = canonicalMessageProperty(name);
    if (!canon)
      throw badRequest(
        `Could not find a property named '${name}' on type 'microsoft.graph.message'.`,
        'RequestBroker--ParseUri',
      );
    return { prop: canon, desc: (dir ?? 'asc').toLowerCase() === 'desc' };
  });
}

/** Graph: properties in $orderby must also appear in $filter, first and in the same order. */
export function checkFilterOrder(filter: FilterClause[], order: OrderBy[]): void {
  if (filter.length === 0 || order.length === 0) return;
  const seen: string[] = [];
  for (const c of filter) if (!seen.includes(c.prop)) seen.push(c.prop);
  for (let i = 0; i < order.length; i++) {
    if (seen[i] !== order[i].prop)
      throw badRequest('The restriction or sort order is too complex for this operation.', 'InefficientFilter');
  }
}

function compare(a: number | boolean, op: FilterOp, b: number | boolean): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'ge':
      return a >= b;
    case 'gt':
      return a > b;
    case 'le':
      return a <= b;
    case 'lt':
      return a < b;
  }
}

/**
 * Date.parse of a message's DateTime value, remembered: a list request filters and sorts the whole folder, and the
 * benchmark's 10,000-message folders made those parses the simulator's largest cost (on the machine it shares with
 * the apps it measures).
 */
const parsedTimes = new Map<string, number>();
const PARSED_TIMES_MAX = 1_000_000;
function timeOf(value: string): number {
  let t = parsedTimes.get(value);
  if (t === undefined) {
    if (parsedTimes.size >= PARSED_TIMES_MAX) parsedTimes.clear();
    t = Date.parse(value);
    parsedTimes.set(value, t);
  }
  return t;
}

/** Whether a receivedDateTime (as a time) passes every clause of a filter on receivedDateTime only. */
export function timeMatches(time: number, filter: FilterClause[]): boolean {
  for (const c of filter) if (!compare(time, c.op, c.value)) return false;
  return true;
}

/** The time sortedBy and matches use for a message's receivedDateTime. */
export function receivedTime(m: Message): number {
  return timeOf(m.receivedDateTime ?? '');
}

export function matches(m: Message, filter: FilterClause[]): boolean {
  for (const c of filter) {
    const v = c.prop === 'receivedDateTime' ? timeOf(m.receivedDateTime ?? '') : Boolean(m[c.prop]);
    if (!compare(v, c.op, c.value)) return false;
  }
  return true;
}

function sortKey(m: Message, prop: string): string | number {
  const v = (m as Record<string, unknown>)[prop];
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return /DateTime$/.test(prop) ? timeOf(v) : v.toLowerCase();
  if (v && typeof v === 'object' && 'emailAddress' in v) return JSON.stringify(v).toLowerCase();
  return '';
}

/** `items` sorted by `order`, each item's keys computed once (not once per comparison). */
export function sortedBy<T>(items: readonly T[], message: (item: T) => Message, order: OrderBy[]): T[] {
  const keyed = items.map((item) => ({ item, keys: order.map((o) => sortKey(message(item), o.prop)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const ka = a.keys[i] ?? '';
      const kb = b.keys[i] ?? '';
      if (ka < kb) return order[i]?.desc ? 1 : -1;
      if (ka > kb) return order[i]?.desc ? -1 : 1;
    }
    return 0;
  });
  return keyed.map((k) => k.item);
}

export function parseIntParam(raw: string | null, name: string, def: number): number {
  if (raw === null) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`Invalid value '${raw}' for query option ${name}.`);
  return n;
}
