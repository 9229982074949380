// A folder's messages in receivedDateTime order, kept between list requests until a message arrives, moves or goes.
// MS1 reads a big mailbox in receivedDateTime ranges ($filter on receivedDateTime, $orderby receivedDateTime, $top,
// $skip): without this, each such page sorted the whole folder, and that simulator work competed for the 2 cores
// with the apps the benchmark measures. Real Graph answers these from an index.

import type { Mailbox } from '../state/mailbox';
import type { StoredMessage } from '../state/types';
import { type FilterClause, type OrderBy, receivedTime, sortedBy, timeMatches } from './odata';

interface Ordered {
  version: number;
  messages: StoredMessage[];
  times: Float64Array;
}

const cache = new WeakMap<Mailbox, Map<string, Ordered>>();

/** True when the request can be answered from the order: sorted by receivedDateTime only, filtered on it only. */
export function answerableByReceivedOrder(filter: FilterClause[], order: OrderBy[]): boolean {
  return (
    order.length === 1 && order[0]?.prop === 'receivedDateTime' && filter.every((c) => c.prop === 'receivedDateTime')
  );
}

function ordered(mb: Mailbox, folderId: string | undefined, desc: boolean): Ordered {
  let byFolder = cache.get(mb);
  if (!byFolder) {
    byFolder = new Map();
    cache.set(mb, byFolder);
  }
  const key = `${folderId ?? '*'}:${desc ? 'desc' : 'asc'}`;
  const hit = byFolder.get(key);
  if (hit && hit.version === mb.membershipVersion) return hit;
  const messages = sortedBy(mb.list(folderId), (m) => m.data, [{ prop: 'receivedDateTime', desc }]);
  const fresh = {
    version: mb.membershipVersion,
    messages,
    times: Float64Array.from(messages, (m) => receivedTime(m.data)),
  };
  byFolder.set(key, fresh);
  return fresh;
}

/** The same messages, in the same order, as filtering the folder and then sorting it by receivedDateTime. */
export function byReceivedOrder(
  mb: Mailbox,
  folderId: string | undefined,
  filter: FilterClause[],
  desc: boolean,
): StoredMessage[] {
  const { messages, times } = ordered(mb, folderId, desc);
  if (filter.length === 0) return messages;
  const out: StoredMessage[] = [];
  for (let i = 0; i < messages.length; i++) if (timeMatches(times[i] ?? NaN, filter)) out.push(messages[i]!);
  return out;
}
