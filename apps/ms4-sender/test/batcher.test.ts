import { bodyBytes, buildBatch, ENVELOPE_BYTES, serializeItem } from '../src/batch';
import { Batcher, type CutReason } from '../src/batcher';

type E = { id: number; bytes: number };

function collect(limits: { maxItems: number; maxBytes: number; maxWaitMs: number }) {
  const cuts: { ids: number[]; reason: CutReason }[] = [];
  const b = new Batcher<E>(limits, (batch, reason) => cuts.push({ ids: batch.map((e) => e.id), reason }));
  return { b, cuts };
}

describe('Batcher', () => {
  it('cuts at the item count', () => {
    const { b, cuts } = collect({ maxItems: 3, maxBytes: 1e9, maxWaitMs: 60_000 });
    for (let i = 0; i < 7; i++) b.add({ id: i, bytes: 10 });
    expect(cuts).toEqual([
      { ids: [0, 1, 2], reason: 'items' },
      { ids: [3, 4, 5], reason: 'items' },
    ]);
    expect(b.size).toBe(1);
    b.flush();
    expect(cuts[2]).toEqual({ ids: [6], reason: 'flush' });
  });

  it('never lets a batch body exceed the byte bound, counting envelope and commas', () => {
    const maxBytes = ENVELOPE_BYTES + 3 * 100 + 2; // exactly three 100-byte items
    const { b, cuts } = collect({ maxItems: 1000, maxBytes, maxWaitMs: 60_000 });
    for (let i = 0; i < 10; i++) b.add({ id: i, bytes: 100 });
    b.flush();
    expect(cuts.map((c) => c.ids.length)).toEqual([3, 3, 3, 1]);
    for (const c of cuts) expect(bodyBytes(c.ids.map(() => 100))).toBeLessThanOrEqual(maxBytes);
  });

  it('sends an item bigger than the bound alone', () => {
    const { b, cuts } = collect({ maxItems: 1000, maxBytes: 2000, maxWaitMs: 60_000 });
    b.add({ id: 1, bytes: 50 });
    b.add({ id: 2, bytes: 5000 });
    b.add({ id: 3, bytes: 50 });
    b.flush();
    expect(cuts.map((c) => c.ids)).toEqual([[1], [2], [3]]);
  });

  it('cuts after the maximum wait since the first item, not before', async () => {
    const cuts: { ids: number[]; reason: CutReason; at: number }[] = [];
    const b = new Batcher<E>({ maxItems: 100, maxBytes: 1e9, maxWaitMs: 50 }, (batch, reason) =>
      cuts.push({ ids: batch.map((e) => e.id), reason, at: Date.now() }),
    );
    const first = Date.now();
    b.add({ id: 1, bytes: 1 });
    b.add({ id: 2, bytes: 1 });
    expect(cuts).toHaveLength(0);
    while (cuts.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(cuts.map(({ ids, reason }) => ({ ids, reason }))).toEqual([{ ids: [1, 2], reason: 'wait' }]);
    // A timer never fires early (Date.now() has whole milliseconds, hence the 1).
    expect(cuts[0]?.at).toBeGreaterThanOrEqual(first + 50 - 1);
  });

  it('after flushAlways every item goes out at once', () => {
    const { b, cuts } = collect({ maxItems: 100, maxBytes: 1e9, maxWaitMs: 60_000 });
    b.add({ id: 1, bytes: 1 });
    b.flushAlways();
    b.add({ id: 2, bytes: 1 });
    expect(cuts.map((c) => c.ids)).toEqual([[1], [2]]);
  });
});

describe('batch serialization', () => {
  it('builds the contract envelope with a fresh UUID and exact byte count', () => {
    const items = [
      serializeItem('k1', { invoiceKey: 'k1', subject: 'Rechnung für März' }),
      serializeItem('k2', { invoiceKey: 'k2' }),
    ];
    const a = buildBatch(items, new Date('2026-11-29T10:00:00.000Z'));
    const b = buildBatch(items);
    expect(a.batchId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.batchId).not.toBe(a.batchId);
    expect(JSON.parse(a.body)).toEqual({
      batchId: a.batchId,
      source: 'ms1',
      sentAt: '2026-11-29T10:00:00.000Z',
      items: [{ invoiceKey: 'k1', subject: 'Rechnung für März' }, { invoiceKey: 'k2' }],
    });
    expect(a.bytes).toBe(Buffer.byteLength(a.body));
    expect(bodyBytes(items.map((i) => i.bytes))).toBe(a.bytes);
  });
});
