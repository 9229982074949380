// Serialization of a batch (DESIGN section 6): `{ batchId, source: 'ms1', sentAt, items }`. Items are serialized
// once, when their job arrives, so that the byte bound is exact and the body is a join of ready strings.
import { randomUUID } from 'node:crypto';

/** Bytes of the envelope around the items (a UUID and an ISO-8601 instant have fixed lengths). */
export const ENVELOPE_BYTES = Buffer.byteLength(
  envelope('00000000-0000-4000-8000-000000000000', '2026-01-01T00:00:00.000Z', ''),
);

function envelope(batchId: string, sentAt: string, items: string): string {
  return `{"batchId":${JSON.stringify(batchId)},"source":"ms1","sentAt":${JSON.stringify(sentAt)},"items":[${items}]}`;
}

export interface SerializedItem {
  invoiceKey: string;
  json: string;
  bytes: number;
}

export function serializeItem(invoiceKey: string, item: unknown): SerializedItem {
  const json = JSON.stringify(item);
  return { invoiceKey, json, bytes: Buffer.byteLength(json) };
}

/** Body bytes of a batch holding items of these sizes. */
export function bodyBytes(itemBytes: readonly number[]): number {
  return ENVELOPE_BYTES + itemBytes.reduce((s, b) => s + b, 0) + Math.max(0, itemBytes.length - 1);
}

export interface BatchRequest {
  batchId: string;
  sentAt: string;
  body: string;
  bytes: number;
}

/** A new batch (a fresh UUID: a different set of items never reuses a batchId, else MS4 answers 422). */
export function buildBatch(items: readonly SerializedItem[], now = new Date()): BatchRequest {
  const batchId = randomUUID();
  const sentAt = now.toISOString();
  const body = envelope(batchId, sentAt, items.map((i) => i.json).join(','));
  return { batchId, sentAt, body, bytes: Buffer.byteLength(body) };
}
