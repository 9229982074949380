import type { Message } from '@microsoft/microsoft-graph-types';
import { parseOrderBy, sortedBy } from '../src/mail/odata';

const msg = (id: string, receivedDateTime: string, subject: string): Message =>
  ({ id, receivedDateTime, subject }) as unknown as Message;
const ids = (items: Message[]) => items.map((m) => m.id);

describe('graph-sim $orderby', () => {
  const items = [
    msg('a', '2026-01-02T00:00:00Z', 'beta'),
    msg('b', '2026-01-01T00:00:00Z', 'Alpha'),
    msg('c', '2026-01-02T00:00:00Z', 'alpha'),
    msg('d', '2026-01-03T00:00:00.000Z', 'gamma'),
  ];

  it('sorts by time ascending or descending, equal keys keeping their order', () => {
    expect(ids(sortedBy(items, (m) => m, parseOrderBy('receivedDateTime')))).toEqual(['b', 'a', 'c', 'd']);
    expect(ids(sortedBy(items, (m) => m, parseOrderBy('receivedDateTime desc')))).toEqual(['d', 'a', 'c', 'b']);
  });

  it('breaks ties on the next property, text without regard to case', () => {
    expect(ids(sortedBy(items, (m) => m, parseOrderBy('receivedDateTime desc,subject')))).toEqual(['d', 'c', 'a', 'b']);
    expect(ids(sortedBy(items, (m) => m, parseOrderBy('subject desc')))).toEqual(['d', 'a', 'b', 'c']);
  });
});
