import type { InvoiceFields, InvoiceKind } from './types';
import { escapeXml, textOf, type XmlElement } from './xml-scan';

/** Where a field's text sits in a template, and its value in the form the expected outcome uses. */
export interface Slot {
  start: number;
  end: number;
  value: string;
  /** How a date is written in the document: ISO 'YYYY-MM-DD' (UBL) or CII format 102 'YYYYMMDD'. */
  dateFormat?: 'iso' | '102';
}

export type FieldKey = keyof InvoiceFields;
export const FIELD_KEYS: readonly FieldKey[] = [
  'number',
  'issueDate',
  'dueDate',
  'currency',
  'totalAmount',
  'taxExclusiveAmount',
  'payableAmount',
  'sellerName',
  'sellerVatId',
  'buyerName',
  'iban',
];

export interface EInvoiceTemplate {
  file: string;
  syntax: 'ubl' | 'cii';
  xml: string;
  kind: InvoiceKind;
  slots: Partial<Record<FieldKey, Slot>>;
  /** The document type code (CII `ram:TypeCode`), when a variant may change it. */
  typeCodeSlot?: Slot;
}

export interface VariantOptions {
  number: string;
  issueDate: string;
  /** Turn a CII invoice into a credit note (type code 381). */
  creditNote?: boolean;
}

export interface RenderedInvoice {
  xml: string;
  kind: InvoiceKind;
  fields: InvoiceFields;
}

export function slotOf(xml: string, el: XmlElement | undefined, dateFormat?: 'iso' | '102'): Slot | undefined {
  const text = textOf(xml, el);
  if (!el || text === null) return undefined;
  if (dateFormat === 'iso' && !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  if (dateFormat === '102' && !/^\d{8}$/.test(text)) return undefined;
  const value = dateFormat === '102' ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : text;
  return { start: el.contentStart, end: el.contentEnd, value, ...(dateFormat ? { dateFormat } : {}) };
}

function writeDate(iso: string, format: 'iso' | '102' | undefined): string {
  return format === '102' ? iso.replace(/-/g, '') : iso;
}

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Writes a variant of the template: new number and issue date, the due date moved by the same offset; returns the expected fields. */
export function renderVariant(tpl: EInvoiceTemplate, opts: VariantOptions): RenderedInvoice {
  const fields = {} as InvoiceFields;
  for (const key of FIELD_KEYS) fields[key] = tpl.slots[key]?.value ?? null;
  const edits: { slot: Slot; text: string }[] = [];
  const numberSlot = tpl.slots.number;
  const issueSlot = tpl.slots.issueDate;
  const dueSlot = tpl.slots.dueDate;
  if (!numberSlot || !issueSlot) throw new Error(`template ${tpl.file} lacks a number or issue date`);
  edits.push({ slot: numberSlot, text: escapeXml(opts.number) });
  fields.number = opts.number;
  edits.push({ slot: issueSlot, text: writeDate(opts.issueDate, issueSlot.dateFormat) });
  fields.issueDate = opts.issueDate;
  if (dueSlot) {
    const offset = Math.max(0, daysBetween(issueSlot.value, dueSlot.value));
    const due = addDays(opts.issueDate, offset);
    edits.push({ slot: dueSlot, text: writeDate(due, dueSlot.dateFormat) });
    fields.dueDate = due;
  }
  let kind = tpl.kind;
  if (opts.creditNote && tpl.typeCodeSlot && tpl.kind === 'invoice') {
    edits.push({ slot: tpl.typeCodeSlot, text: '381' });
    kind = 'creditNote';
  }
  edits.sort((a, b) => b.slot.start - a.slot.start);
  let xml = tpl.xml;
  for (const { slot, text } of edits) xml = xml.slice(0, slot.start) + text + xml.slice(slot.end);
  return { xml, kind, fields };
}
