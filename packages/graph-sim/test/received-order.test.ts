import { ContentStore } from '../src/content/content-store';
import { matches, parseFilter, parseOrderBy, sortedBy } from '../src/mail/odata';
import { answerableByReceivedOrder, byReceivedOrder } from '../src/mail/received-order';
import { Mailbox } from '../src/state/mailbox';
import type { StoredMessage } from '../src/state/types';

// The kept receivedDateTime order must answer exactly as filtering and sorting the folder would, before and after
// messages arrive, move and go.
describe('graph-sim receivedDateTime order', () => {
  let content: ContentStore;
  beforeAll(async () => {
    content = await ContentStore.open();
  });
  afterAll(async () => {
    await content.close();
  });

  /** A deterministic generator (no Math.random: a failure must replay). */
  function lcg(seed: number): () => number {
    let s = seed;
    return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  }

  const day = (n: number): string => new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString();

  function seeded(): Mailbox {
    const mb = new Mailbox('ap@contoso.example', () => undefined, content);
    const next = lcg(7);
    // 40 distinct hours for 300 messages: many share their instant, so the order of ties is checked too.
    for (let i = 0; i < 300; i++) mb.inject({ subject: `m${i}`, receivedDateTime: day(Math.floor(next() * 40)) });
    return mb;
  }

  const ids = (ms: StoredMessage[]): string[] => ms.map((m) => m.key);

  function expectSameAnswers(mb: Mailbox, folderId: string | undefined): void {
    const filters = [
      '',
      `receivedDateTime ge ${day(10)}`,
      `receivedDateTime ge ${day(10)} and receivedDateTime lt ${day(20)}`,
      `receivedDateTime gt ${day(5)} and receivedDateTime le ${day(5)}`,
      `receivedDateTime eq ${day(12)}`,
    ];
    for (const raw of filters)
      for (const orderBy of ['receivedDateTime', 'receivedDateTime desc']) {
        const filter = parseFilter(raw === '' ? null : raw);
        const order = parseOrderBy(orderBy);
        expect(answerableByReceivedOrder(filter, order)).toBe(true);
        const general = sortedBy(
          mb.list(folderId).filter((m) => matches(m.data, filter)),
          (m) => m.data,
          order,
        );
        expect(ids(byReceivedOrder(mb, folderId, filter, order[0]?.desc ?? true))).toEqual(ids(general));
      }
  }

  it('answers as filtering and sorting would, and follows arrivals, moves and removals', () => {
    const mb = seeded();
    const inbox = mb.inbox().id;
    expectSameAnswers(mb, inbox);
    expectSameAnswers(mb, undefined);

    mb.inject({ subject: 'late', receivedDateTime: day(11) });
    expectSameAnswers(mb, inbox);
    const [first, second] = mb.list(inbox);
    const archive = mb.folder('archive');
    if (!first || !second || !archive) throw new Error('seeded mailbox without messages or archive');
    mb.move(first, archive);
    expectSameAnswers(mb, inbox);
    expectSameAnswers(mb, archive.id);
    mb.remove(second);
    expectSameAnswers(mb, inbox);
  });

  it('leaves other filters and orders to the general path', () => {
    expect(answerableByReceivedOrder(parseFilter('isRead eq false'), parseOrderBy('receivedDateTime'))).toBe(false);
    expect(answerableByReceivedOrder([], parseOrderBy('receivedDateTime desc,subject'))).toBe(false);
    expect(answerableByReceivedOrder([], parseOrderBy('subject'))).toBe(false);
  });
});
