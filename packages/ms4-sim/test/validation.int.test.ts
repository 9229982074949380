// Each contract rule gives 400 with a reason naming the field; invalid items beside valid ones give 207.
import { admin, batch, item, post, useSim, type Json } from './helpers';

type Mutation = [field: string, change: (i: Json) => void];

const inv = (i: Json): Json => i.invoice as Json;
const att = (i: Json): Json => i.attachment as Json;

const ITEM_RULES: Mutation[] = [
  [
    'items[0].invoiceKey',
    (i) => {
      delete i.invoiceKey;
    },
  ],
  [
    'items[0].sessionId',
    (i) => {
      i.sessionId = '';
    },
  ],
  [
    'items[0].mailboxId',
    (i) => {
      i.mailboxId = 42;
    },
  ],
  [
    'items[0].messageId',
    (i) => {
      delete i.messageId;
    },
  ],
  [
    'items[0].internetMessageId',
    (i) => {
      delete i.internetMessageId;
    },
  ],
  [
    'items[0].receivedDateTime',
    (i) => {
      i.receivedDateTime = 'yesterday';
    },
  ],
  [
    'items[0].receivedDateTime',
    (i) => {
      i.receivedDateTime = '2026-11-02T09:15:00';
    },
  ],
  [
    'items[0].from',
    (i) => {
      i.from = null;
    },
  ],
  [
    'items[0].from.address',
    (i) => {
      i.from = { name: 'x' };
    },
  ],
  [
    'items[0].subject',
    (i) => {
      i.subject = 7;
    },
  ],
  [
    'items[0].attachment',
    (i) => {
      delete i.attachment;
    },
  ],
  [
    'items[0].attachment',
    (i) => {
      i.attachment = 'invoice.pdf';
    },
  ],
  [
    'items[0].attachment.name',
    (i) => {
      att(i).name = '';
    },
  ],
  [
    'items[0].attachment.contentType',
    (i) => {
      delete att(i).contentType;
    },
  ],
  [
    'items[0].attachment.size',
    (i) => {
      att(i).size = '1234';
    },
  ],
  [
    'items[0].attachment.size',
    (i) => {
      att(i).size = -1;
    },
  ],
  [
    'items[0].attachment.sha256',
    (i) => {
      att(i).sha256 = 'AB'.repeat(32);
    },
  ],
  [
    'items[0].attachment.sha256',
    (i) => {
      att(i).sha256 = 'abc';
    },
  ],
  [
    'items[0].attachment.storageRef',
    (i) => {
      delete att(i).storageRef;
    },
  ],
  [
    'items[0].invoice',
    (i) => {
      delete i.invoice;
    },
  ],
  [
    'items[0].invoice.format',
    (i) => {
      inv(i).format = 'xrechnung';
    },
  ],
  [
    'items[0].invoice.kind',
    (i) => {
      inv(i).kind = 'credit';
    },
  ],
  [
    'items[0].invoice.kind',
    (i) => {
      delete inv(i).kind;
    },
  ],
  [
    'items[0].invoice.totalAmount',
    (i) => {
      inv(i).totalAmount = 1210;
    },
  ],
  [
    'items[0].invoice.taxExclusiveAmount',
    (i) => {
      inv(i).taxExclusiveAmount = '1.000,00';
    },
  ],
  [
    'items[0].invoice.payableAmount',
    (i) => {
      inv(i).payableAmount = '12.';
    },
  ],
  [
    'items[0].invoice.payableAmount',
    (i) => {
      delete inv(i).payableAmount;
    },
  ],
  [
    'items[0].invoice.issueDate',
    (i) => {
      inv(i).issueDate = '01.11.2026';
    },
  ],
  [
    'items[0].invoice.dueDate',
    (i) => {
      inv(i).dueDate = '2026-02-30';
    },
  ],
  [
    'items[0].invoice.currency',
    (i) => {
      inv(i).currency = '€';
    },
  ],
  [
    'items[0].invoice.number',
    (i) => {
      inv(i).number = 12;
    },
  ],
  [
    'items[0].invoice.confidence',
    (i) => {
      inv(i).confidence = 'high';
    },
  ],
  [
    'items[0].warnings',
    (i) => {
      i.warnings = 'none';
    },
  ],
  [
    'items[0].warnings[1]',
    (i) => {
      i.warnings = ['ok', 3];
    },
  ],
  [
    'items[0].invoice.lines',
    (i) => {
      inv(i).lines = [];
    },
  ],
  [
    'items[0].extra',
    (i) => {
      i.extra = true;
    },
  ],
];

const ENVELOPE_RULES: [field: string, change: (b: Json, h: Record<string, string | undefined>) => void][] = [
  [
    'Idempotency-Key',
    (_b, h) => {
      h['idempotency-key'] = undefined;
    },
  ],
  [
    'Idempotency-Key',
    (_b, h) => {
      h['idempotency-key'] = '00000000-0000-4000-8000-000000000000';
    },
  ],
  [
    'batchId',
    (b, h) => {
      b.batchId = 'batch-1';
      h['idempotency-key'] = 'batch-1';
    },
  ],
  [
    'source',
    (b) => {
      b.source = 'ms2';
    },
  ],
  [
    'sentAt',
    (b) => {
      delete b.sentAt;
    },
  ],
  [
    'sentAt',
    (b) => {
      b.sentAt = '29/11/2026';
    },
  ],
  [
    'items',
    (b) => {
      b.items = [];
    },
  ],
  [
    'items',
    (b) => {
      b.items = { 0: item() };
    },
  ],
  [
    'items[0]',
    (b) => {
      b.items = [null];
    },
  ],
  [
    'trace',
    (b) => {
      b.trace = 'x';
    },
  ],
];

describe('ms4-sim validation', () => {
  const sim = useSim();

  it.each(ITEM_RULES)('rejects an invalid %s with 400 naming the field', async (field, change) => {
    const bad = item();
    change(bad);
    const res = await post(sim(), batch([bad]));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid batch');
    const reasons = res.body.reasons as string[];
    expect(reasons.some((r) => r.startsWith(`${field}: `))).toBe(true);
    expect(res.body.results).toEqual([expect.objectContaining({ index: 0, status: 'rejected', code: 400 })]);
  });

  it.each(ENVELOPE_RULES)('rejects a batch with an invalid %s with 400 naming it', async (field, change) => {
    const b = batch([item()]);
    const headers: Record<string, string | undefined> = {};
    change(b, headers);
    const res = await post(sim(), b, headers);
    expect(res.status).toBe(400);
    expect((res.body.reasons as string[]).some((r) => r.startsWith(`${field}: `))).toBe(true);
  });

  it('rejects a body that is not a JSON object', async () => {
    const res = await post(sim(), '[1]', { 'idempotency-key': 'x' });
    expect(res.status).toBe(400);
    expect(res.body.reasons).toEqual([expect.stringMatching(/^body: must be a JSON object/)]);
  });

  it('stores nothing from a 400 batch, and a fixed batch with the same batchId is then accepted', async () => {
    const bad = item();
    (bad.invoice as Json).totalAmount = 10.5;
    const b = batch([bad]);
    expect((await post(sim(), b)).status).toBe(400);
    (bad.invoice as Json).totalAmount = '10.50';
    expect((await post(sim(), b)).status).toBe(200);
    expect((await admin(sim(), '/stats')).body).toMatchObject({ uniqueKeys: 1, rejectedItems: 1, batches: 1 });
  });

  it('answers 207 when only some items are invalid: those are rejected (400), the others accepted', async () => {
    const bad = item({ warnings: null });
    const good = [item(), item()];
    const res = await post(sim(), batch([good[0], bad, good[1]]));
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 1, failed: 0 });
    expect(res.body.results).toEqual([
      { index: 0, invoiceKey: good[0].invoiceKey, status: 'accepted', code: 200 },
      expect.objectContaining({
        index: 1,
        invoiceKey: bad.invoiceKey,
        status: 'rejected',
        code: 400,
        reasons: [expect.stringMatching(/^items\[1\]\.warnings: /)],
      }),
      { index: 2, invoiceKey: good[1].invoiceKey, status: 'accepted', code: 200 },
    ]);
    expect((await admin(sim(), '/stats')).body).toMatchObject({ uniqueKeys: 2, rejectedItems: 1, partialBatches: 1 });
  });

  it('accepts unknown fields when allowUnknownFields is set', async () => {
    await admin(sim(), '/config', 'PUT', { allowUnknownFields: true });
    const res = await post(sim(), batch([item({ extra: 1 })], { trace: 'x' }));
    expect(res.status).toBe(200);
  });
});
