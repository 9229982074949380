import type { SimContext } from '../context';
import { json, type GraphHandler, type HandlerInput } from '../graph/types';
import { contextUrl } from '../mail/links';
import { pathFolder } from '../mail/folder-ref';
import { parseExpand, parseSelect } from '../mail/odata';
import { messageJson, type ResourceJson } from '../mail/serialize';
import { idIn } from '../state/change-log';
import type { Mailbox } from '../state/mailbox';
import type { IdView } from '../state/types';
import { GraphError } from '../util/errors';
import { decodeToken, encodeToken, type DeltaState } from './token';

const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;
const FILTERED_MAX = 5000;

type RemovedJson = { id: string; '@removed': { reason: 'deleted' } };

function pageSizeFrom(prefer: string | undefined): number | null {
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer ?? '');
  if (!m) return null;
  return Math.max(1, Math.min(MAX_PAGE, Number(m[1])));
}

function parseDeltaFilter(raw: string | null): [string, number] | null {
  if (raw === null || raw.trim() === '') return null;
  const m = /^\s*receivedDateTime\s+(ge|gt)\s+'?([^']+?)'?\s*$/i.exec(raw);
  const t = m ? Date.parse(m[2]) : NaN;
  if (!m || Number.isNaN(t)) {
    throw new GraphError(
      400,
      'ErrorInvalidUrlQueryFilter',
      'The only supported filter for message delta is receivedDateTime ge|gt {DateTimeOffset}.',
    );
  }
  return [m[1].toLowerCase(), t];
}

function parseChangeType(raw: string | null): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  const types = raw.split(',').map((s) => s.trim());
  for (const t of types)
    if (!['created', 'updated', 'deleted'].includes(t))
      throw new GraphError(400, 'BadRequest', `Invalid changeType '${t}'.`);
  return types;
}

function initialState(input: HandlerInput, mb: Mailbox, scope: string): DeltaState {
  const q = input.req.query;
  const ps =
    pageSizeFrom(input.req.headers.prefer) ??
    (q.get('$top') ? Math.min(MAX_PAGE, Number(q.get('$top')) || DEFAULT_PAGE) : DEFAULT_PAGE);
  return {
    mb: mb.id,
    sc: scope,
    ep: mb.epoch,
    since: 0,
    upTo: mb.seq,
    pos: 0,
    n: 0,
    sel: parseSelect(q.get('$select')),
    exp: parseExpand(q.get('$expand')),
    ct: parseChangeType(q.get('changeType')),
    flt: parseDeltaFilter(q.get('$filter')),
    ps,
  };
}

function stateFromToken(input: HandlerInput, mb: Mailbox, scope: string): DeltaState | null {
  const q = input.req.query;
  const skip = q.get('$skiptoken');
  const delta = q.get('$deltatoken');
  const raw = skip ?? delta;
  if (raw === null) return null;
  const st = decodeToken(raw);
  if (!st || st.mb !== mb.id || st.sc !== scope)
    throw new GraphError(400, 'syncStateInvalid', 'The sync state is not valid for this request.');
  if (st.ep !== mb.epoch) {
    throw new GraphError(
      410,
      'syncStateNotFound',
      'The sync state generation was not found. Please restart the synchronization without a token.',
    );
  }
  if (delta !== null && skip === null) {
    // A new round: every change after the previous round's end.
    return { ...st, since: st.upTo, upTo: mb.seq, pos: st.upTo, n: 0 };
  }
  return st;
}

/** GET .../mailFolders/{f}/messages/delta and .../messages/delta. */
export function deltaHandler(ctx: SimContext): GraphHandler {
  return (input) => {
    const mb = input.mailbox;
    if (!mb) throw new GraphError(404, 'ErrorInvalidUser', 'The requested user is invalid.');
    const scope = pathFolder(input)?.id ?? '*';
    const st = stateFromToken(input, mb, scope) ?? initialState(input, mb, scope);
    const preferred = pageSizeFrom(input.req.headers.prefer);
    const pageSize = preferred ?? st.ps;
    const log = mb.logs.get(scope);
    const view = input.view;
    const index = log?.view(view);
    const value: (ResourceJson | RemovedJson)[] = [];
    let i = log ? log.firstAfter(st.pos) : 0;
    let pos = st.pos;
    let n = st.n;
    let capped = false;
    const entries = log?.entries ?? [];
    while (index && i < entries.length && entries[i].seq <= st.upTo && value.length < pageSize) {
      const e = entries[i++];
      pos = e.seq;
      const kind = e.kinds[view];
      if (!kind) continue; // a change that this id view does not see (the old default id's half of a move)
      const id = idIn(e, view);
      if (index.latest.get(id) !== e.seq) continue; // superseded: delivered with its latest change
      const entered = index.entered.get(id) ?? 0;
      if (kind === 'removed') {
        if (st.since === 0 || entered > st.since) continue; // the client never saw it
        if (st.ct && !st.ct.includes('deleted')) continue;
        value.push({ id, '@removed': { reason: 'deleted' } });
        n++;
        continue;
      }
      const m = mb.messages.get(e.key);
      if (!m) continue;
      const type = entered > st.since ? 'created' : 'updated';
      if (st.ct && !st.ct.includes(type)) continue;
      if (st.flt) {
        const t = Date.parse(m.data.receivedDateTime ?? '');
        if (st.flt[0] === 'ge' ? t < st.flt[1] : t <= st.flt[1]) continue;
        if (n >= FILTERED_MAX) {
          capped = true;
          break;
        }
      }
      value.push(messageJson(m, st.sel, st.exp, view));
      n++;
    }
    maybeReplay(ctx, mb, scope, st, view, value);
    const more = !capped && log !== undefined && i < entries.length && entries[i].seq <= st.upTo;
    const body: Record<string, unknown> = { '@odata.context': contextUrl(input.req, 'Collection(message)'), value };
    const link = `${input.req.baseUrl}${input.req.path}`;
    if (more) {
      body['@odata.nextLink'] = `${link}?$skiptoken=${encodeToken({ ...st, pos, n, ps: pageSize })}`;
    } else {
      body['@odata.deltaLink'] = `${link}?$deltatoken=${encodeToken({ ...st, pos: st.upTo, n, ps: pageSize })}`;
    }
    const headers: Record<string, string> = {};
    if (preferred !== null) headers['preference-applied'] = `odata.maxpagesize=${preferred}`;
    return json(200, body, headers);
  };
}

/** Delta may replay a change the client already has (Graph documents this); deltaReplayRate makes it happen. */
function maybeReplay(
  ctx: SimContext,
  mb: Mailbox,
  scope: string,
  st: DeltaState,
  view: IdView,
  value: (ResourceJson | RemovedJson)[],
): void {
  if (st.since === 0 || ctx.config.deltaReplayRate <= 0 || ctx.rng() >= ctx.config.deltaReplayRate) return;
  const log = mb.logs.get(scope);
  if (!log) return;
  const index = log.view(view);
  const before = log.firstAfter(st.since);
  if (before === 0) return;
  for (let tries = 0; tries < 5; tries++) {
    const e = log.entries[Math.floor(ctx.rng() * before)];
    const id = idIn(e, view);
    const m = mb.messages.get(e.key);
    if (m && e.kinds[view] && index.present.has(id) && index.latest.get(id) === e.seq) {
      value.push(messageJson(m, st.sel, st.exp, view));
      return;
    }
  }
}
