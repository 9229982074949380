import type { DeltaMessage } from '@ms1/shared';
import { nextLaneState } from '../src/sync/backfill-lane';
import { laneRanks, splitAtCuts } from '../src/sync/backfill';

const msg = (id: string, at: string): DeltaMessage => ({ id, receivedDateTime: at, attachments: [] });
const start = { from: '2026-01-01T00:00:00Z', skip: 0, tail: [], pages: 0, done: false };

describe('backfill ranges and lane positions', () => {
  it('starts the lanes at equal message counts and cuts [oldest, end) at those messages, the ranges meeting exactly', () => {
    expect(laneRanks(1000, 4)).toEqual([0, 250, 500, 750]);
    expect(laneRanks(10, 3)).toEqual([0, 3, 6]);
    const oldest = '2026-01-01T00:00:00Z';
    // Mail crowded into the first days of a month-long folder: the cuts follow the mail, not the calendar.
    const ranges = splitAtCuts(
      oldest,
      ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-20T00:00:00Z'],
      Date.parse('2026-02-01T00:00:00Z'),
    );
    expect(ranges).toEqual([
      { from: oldest, to: '2026-01-02T00:00:00.000Z' },
      { from: '2026-01-02T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' },
      { from: '2026-01-03T00:00:00.000Z', to: '2026-01-20T00:00:00.000Z' },
      { from: '2026-01-20T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
    ]);
  });

  it('keeps the bounds in order when a cut is missing, late or out of order', () => {
    const oldest = '2026-01-01T00:00:00Z';
    const end = Date.parse('2026-01-10T00:00:00Z');
    expect(splitAtCuts(oldest, ['2025-12-31T00:00:00Z', '2026-03-01T00:00:00Z', null], end)).toEqual([
      { from: oldest, to: '2026-01-01T00:00:00.000Z' },
      { from: '2026-01-01T00:00:00.000Z', to: '2026-01-10T00:00:00.000Z' },
      { from: '2026-01-10T00:00:00.000Z', to: '2026-01-10T00:00:00.000Z' },
      { from: '2026-01-10T00:00:00.000Z', to: '2026-01-10T00:00:00.000Z' },
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
