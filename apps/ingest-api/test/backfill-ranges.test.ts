import type { DeltaMessage } from '@ms1/shared';
import { nextLaneState } from '../src/sync/backfill-lane';
import { splitRange } from '../src/sync/backfill';

const msg = (id: string, at: string): DeltaMessage => ({ id, receivedDateTime: at, attachments: [] });
const start = { from: '2026-01-01T00:00:00Z', skip: 0, tail: [], pages: 0, done: false };

describe('backfill ranges and lane positions', () => {
  it('splits [oldest, end) into equal spans that meet exactly', () => {
    const oldest = '2026-01-01T00:00:00Z';
    const ranges = splitRange(oldest, Date.parse(oldest), Date.parse('2026-01-05T00:00:00Z'), 4);
    expect(ranges).toEqual([
      { from: oldest, to: '2026-01-02T00:00:00.000Z' },
      { from: '2026-01-02T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' },
      { from: '2026-01-03T00:00:00.000Z', to: '2026-01-04T00:00:00.000Z' },
      { from: '2026-01-04T00:00:00.000Z', to: '2026-01-05T00:00:00.000Z' },
    ]);
  });

  it('reads on from the last instant of a page, remembering the messages of that instant already read', () => {
    const page = [msg('a', '2026-01-01T00:00:00Z'), msg('b', '2026-01-01T00:00:05Z'), msg('c', '2026-01-01T00:00:05Z')];
    expect(nextLaneState(start, page, true)).toEqual({
      from: '2026-01-01T00:00:05Z',
      skip: 0,
      tail: ['b', 'c'],
      pages: 1,
      done: false,
    });
  });

  it('steps over a page that is all one instant with $skip, and ends when Graph has no more', () => {
    const same = [msg('a', '2026-01-01T00:00:00Z'), msg('b', '2026-01-01T00:00:00Z')];
    const next = nextLaneState(start, same, true);
    expect(next).toEqual({ from: start.from, skip: 2, tail: [], pages: 1, done: false });
    expect(nextLaneState(next, same, false)).toMatchObject({ pages: 2, done: true });
    expect(nextLaneState(start, [], true)).toMatchObject({ done: true });
  });
});
