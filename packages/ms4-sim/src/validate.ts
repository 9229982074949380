// Strict validation of a POST /batch-metadata body against DESIGN.md section 6. Every reason starts with
// the path of the offending field (`items[3].invoice.totalAmount: ...`) so that a sender can fix it.
import { INVOICE_FORMATS, INVOICE_KINDS, type Ms4Item } from './contract';

export interface ValidateOptions {
  /** When false (default), a field the contract does not name is a reason to reject. */
  allowUnknownFields: boolean;
}

export interface ItemValidation {
  index: number;
  invoiceKey: string | null;
  /** The item when it is valid, else null. */
  item: Ms4Item | null;
  reasons: string[];
}

export type BatchValidation =
  | { ok: false; reasons: string[]; items: ItemValidation[] }
  | { ok: true; batchId: string; sentAt: string; items: ItemValidation[] };

type Obj = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const SHA256 = /^[0-9a-f]{64}$/;
const CURRENCY = /^[A-Z]{3}$/;

const BATCH_FIELDS = ['batchId', 'source', 'sentAt', 'items'];
const ITEM_FIELDS = [
  'invoiceKey',
  'sessionId',
  'mailboxId',
  'messageId',
  'internetMessageId',
  'receivedDateTime',
  'from',
  'subject',
  'attachment',
  'invoice',
  'warnings',
];
const FROM_FIELDS = ['name', 'address'];
const ATTACHMENT_FIELDS = ['name', 'contentType', 'size', 'sha256', 'storageRef', 'archiveName'];
const INVOICE_STRING_FIELDS = ['number', 'currency', 'sellerName', 'sellerVatId', 'buyerName', 'iban'];
const INVOICE_AMOUNT_FIELDS = ['totalAmount', 'taxExclusiveAmount', 'payableAmount'];
const INVOICE_DATE_FIELDS = ['issueDate', 'dueDate'];
const INVOICE_FIELDS = [
  'format',
  'kind',
  ...INVOICE_STRING_FIELDS,
  ...INVOICE_AMOUNT_FIELDS,
  ...INVOICE_DATE_FIELDS,
  'confidence',
];

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function isIsoDateTime(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const m = ISO_DATE_TIME.exec(v);
  return (
    m !== null &&
    isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) &&
    Number(m[4]) < 24 &&
    Number(m[5]) < 60 &&
    Number(m[7] ?? 0) < 60 &&
    !Number.isNaN(Date.parse(v))
  );
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function isDate(v: string): boolean {
  const m = DATE.exec(v);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Collects reasons for one object, each prefixed with the object's path. */
class Fields {
  constructor(
    private readonly obj: Obj,
    private readonly path: string,
    private readonly reasons: string[],
  ) {}

  private at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, message: string): void {
    this.reasons.push(`${this.at(key)}: ${message}`);
  }

  /** Present and a non-empty string. */
  text(key: string): string | null {
    const v = this.obj[key];
    if (typeof v === 'string' && v.length > 0) return v;
    this.fail(key, `required, a non-empty string (got ${show(v)})`);
    return null;
  }

  /** Present (the key itself), a string or null; `test` further constrains the string. */
  nullable(key: string, test?: { check: (s: string) => boolean; what: string }): void {
    if (!(key in this.obj)) return this.fail(key, `required, ${test?.what ?? 'a string'} or null (got nothing)`);
    const v = this.obj[key];
    if (v === null) return;
    if (typeof v !== 'string') return this.fail(key, `must be ${test?.what ?? 'a string'} or null (got ${show(v)})`);
    if (test && !test.check(v)) this.fail(key, `must be ${test.what} or null (got ${show(v)})`);
  }

  oneOf(key: string, allowed: readonly string[]): void {
    const v = this.obj[key];
    if (typeof v !== 'string' || !allowed.includes(v))
      this.fail(key, `must be one of ${allowed.join('|')} (got ${show(v)})`);
  }

  onlyKnown(known: readonly string[], allowUnknown: boolean): void {
    if (allowUnknown) return;
    for (const key of Object.keys(this.obj))
      if (!known.includes(key)) this.fail(key, 'unknown field (not in the MS4 contract)');
  }
}

function validateFrom(v: unknown, path: string, reasons: string[], opts: ValidateOptions): void {
  if (!isObject(v)) {
    reasons.push(`${path}: required, an object { name, address } (got ${show(v)})`);
    return;
  }
  const f = new Fields(v, path, reasons);
  f.nullable('name');
  if (typeof v.address !== 'string') f.fail('address', `required, a string (got ${show(v.address)})`);
  f.onlyKnown(FROM_FIELDS, opts.allowUnknownFields);
}

function validateAttachment(item: Obj, path: string, reasons: string[], opts: ValidateOptions): void {
  if (!('attachment' in item)) {
    reasons.push(`${path}: required, an object or null (got nothing)`);
    return;
  }
  const v = item.attachment;
  if (v === null) return;
  if (!isObject(v)) {
    reasons.push(`${path}: must be an object or null (got ${show(v)})`);
    return;
  }
  const f = new Fields(v, path, reasons);
  f.text('name');
  f.text('contentType');
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) {
    f.fail('size', `required, a non-negative integer (got ${show(v.size)})`);
  }
  if (typeof v.sha256 !== 'string' || !SHA256.test(v.sha256))
    f.fail('sha256', `required, 64 lowercase hex digits (got ${show(v.sha256)})`);
  f.text('storageRef');
  if ('archiveName' in v) f.text('archiveName');
  f.onlyKnown(ATTACHMENT_FIELDS, opts.allowUnknownFields);
}

function validateInvoice(v: unknown, path: string, reasons: string[], opts: ValidateOptions): void {
  if (!isObject(v)) {
    reasons.push(`${path}: required, an object (got ${show(v)})`);
    return;
  }
  const f = new Fields(v, path, reasons);
  f.oneOf('format', INVOICE_FORMATS);
  f.oneOf('kind', INVOICE_KINDS);
  for (const key of INVOICE_STRING_FIELDS) {
    f.nullable(
      key,
      key === 'currency' ? { check: (s) => CURRENCY.test(s), what: 'an ISO 4217 code such as "EUR"' } : undefined,
    );
  }
  for (const key of INVOICE_AMOUNT_FIELDS) {
    f.nullable(key, { check: (s) => DECIMAL.test(s), what: 'a decimal string such as "1234.50"' });
  }
  for (const key of INVOICE_DATE_FIELDS) f.nullable(key, { check: isDate, what: 'a date YYYY-MM-DD' });
  if (!('confidence' in v)) f.fail('confidence', 'required, a number from 0 to 1 or null (got nothing)');
  else if (v.confidence !== null && (typeof v.confidence !== 'number' || !(v.confidence >= 0 && v.confidence <= 1))) {
    f.fail('confidence', `must be a number from 0 to 1 or null (got ${show(v.confidence)})`);
  }
  f.onlyKnown(INVOICE_FIELDS, opts.allowUnknownFields);
}

/** An object whose validation found nothing wrong is an item of the contract. */
function passed(_raw: Obj, reasons: readonly string[]): _raw is Obj & Ms4Item {
  return reasons.length === 0;
}

export function validateItem(raw: unknown, index: number, opts: ValidateOptions): ItemValidation {
  const path = `items[${index}]`;
  const reasons: string[] = [];
  if (!isObject(raw)) {
    return { index, invoiceKey: null, item: null, reasons: [`${path}: must be an object (got ${show(raw)})`] };
  }
  const f = new Fields(raw, path, reasons);
  const invoiceKey = f.text('invoiceKey');
  f.text('sessionId');
  f.text('mailboxId');
  f.text('messageId');
  f.nullable('internetMessageId');
  if (!isIsoDateTime(raw.receivedDateTime)) {
    f.fail('receivedDateTime', `required, an ISO-8601 date-time with zone (got ${show(raw.receivedDateTime)})`);
  }
  validateFrom(raw.from, `${path}.from`, reasons, opts);
  f.nullable('subject');
  validateAttachment(raw, `${path}.attachment`, reasons, opts);
  validateInvoice(raw.invoice, `${path}.invoice`, reasons, opts);
  const w = raw.warnings;
  if (!Array.isArray(w)) f.fail('warnings', `required, an array of strings (got ${show(w)})`);
  else
    w.forEach((s: unknown, i) => {
      if (typeof s !== 'string') reasons.push(`${path}.warnings[${i}]: must be a string (got ${show(s)})`);
    });
  f.onlyKnown(ITEM_FIELDS, opts.allowUnknownFields);
  const item = passed(raw, reasons) ? raw : null;
  return { index, invoiceKey, item, reasons };
}

/**
 * Validates the batch envelope and each item. `ok: false` means the envelope itself is malformed (answer 400);
 * with `ok: true` the envelope is sound and each item carries its own reasons (empty when valid).
 */
export function validateBatch(
  body: unknown,
  idempotencyKey: string | undefined,
  opts: ValidateOptions,
): BatchValidation {
  const reasons: string[] = [];
  if (!isObject(body)) return { ok: false, reasons: [`body: must be a JSON object (got ${show(body)})`], items: [] };
  const f = new Fields(body, '', reasons);
  const batchId = typeof body.batchId === 'string' && UUID.test(body.batchId) ? body.batchId : null;
  if (batchId === null) f.fail('batchId', `required, a UUID (got ${show(body.batchId)})`);
  if (idempotencyKey === undefined || idempotencyKey === '')
    reasons.push('Idempotency-Key: header required, equal to batchId');
  else if (idempotencyKey !== body.batchId)
    reasons.push(`Idempotency-Key: header ${show(idempotencyKey)} differs from batchId ${show(body.batchId)}`);
  if (body.source !== 'ms1') f.fail('source', `must be "ms1" (got ${show(body.source)})`);
  if (!isIsoDateTime(body.sentAt))
    f.fail('sentAt', `required, an ISO-8601 date-time with zone (got ${show(body.sentAt)})`);
  f.onlyKnown(BATCH_FIELDS, opts.allowUnknownFields);
  const rawItems = body.items;
  let items: ItemValidation[] = [];
  if (!Array.isArray(rawItems) || rawItems.length === 0)
    f.fail('items', `required, a non-empty array (got ${show(rawItems)})`);
  else items = rawItems.map((raw: unknown, i) => validateItem(raw, i, opts));
  if (reasons.length > 0 || batchId === null || typeof body.sentAt !== 'string') {
    return { ok: false, reasons: [...reasons, ...items.flatMap((i) => i.reasons)], items };
  }
  return { ok: true, batchId, sentAt: body.sentAt, items };
}
