// Test helpers: a valid MS4 item and batch (DESIGN.md section 6) and small fetch wrappers.
import { randomUUID } from 'node:crypto';
import { startMs4Sim, type Ms4Sim, type Ms4SimOptions } from '../src';

export type Json = Record<string, unknown>;

let counter = 0;

export function item(overrides: Json = {}): Json {
  counter++;
  return {
    invoiceKey: `key-${counter}-${randomUUID()}`,
    sessionId: 'session-1',
    mailboxId: 'ap@contoso.example',
    messageId: `msg-${counter}`,
    internetMessageId: `<${counter}@supplier.example>`,
    receivedDateTime: '2026-11-02T09:15:00Z',
    from: { name: 'Supplier', address: 'billing@supplier.example' },
    subject: 'Invoice 2026-001',
    attachment: {
      name: 'invoice.xml',
      contentType: 'application/xml',
      size: 1234,
      sha256: 'ab'.repeat(32),
      storageRef: `sha256/${'ab'.repeat(32)}`,
    },
    invoice: {
      format: 'ubl',
      kind: 'invoice',
      number: 'INV-1',
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      currency: 'EUR',
      totalAmount: '1210.00',
      taxExclusiveAmount: '1000.00',
      payableAmount: '1210.00',
      sellerName: 'Seller GmbH',
      sellerVatId: 'DE123456789',
      buyerName: 'Buyer BV',
      iban: 'DE89370400440532013000',
      confidence: 1,
    },
    warnings: [],
    ...overrides,
  };
}

export function batch(items: Json[], overrides: Json = {}): Json {
  return { batchId: randomUUID(), source: 'ms1', sentAt: new Date().toISOString(), items, ...overrides };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

/** POSTs a batch with Content-Type JSON and Idempotency-Key = batchId unless `headers` says otherwise. */
export async function post(
  sim: Ms4Sim,
  body: Json | string,
  headers: Record<string, string | undefined> = {},
): Promise<Answer> {
  const key = typeof body === 'string' ? undefined : body.batchId;
  const all: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'idempotency-key': typeof key === 'string' ? key : undefined,
    ...headers,
  };
  const res = await fetch(`${sim.baseUrl}/batch-metadata`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

export async function admin<T = Json>(
  sim: Ms4Sim,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Starts a sim for a describe block, reset before each test. */
export function useSim(options: Ms4SimOptions = {}): () => Ms4Sim {
  let sim: Ms4Sim | undefined;
  beforeAll(async () => {
    sim = await startMs4Sim({ port: 0, randomSeed: 42, ...options });
  });
  beforeEach(async () => {
    await admin(get(), '/reset', 'POST');
  });
  afterAll(async () => {
    await sim?.stop();
  });
  const get = (): Ms4Sim => {
    if (!sim) throw new Error('sim not started');
    return sim;
  };
  return get;
}
