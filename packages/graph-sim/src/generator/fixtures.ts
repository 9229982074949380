import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ciiTemplate } from './cii';
import type { EInvoiceTemplate } from './template';
import { ublTemplate } from './ubl';

/** The package's fixtures folder: two levels above both src/generator/ and dist/generator/. */
export const FIXTURES_DIR = path.resolve(__dirname, '../../fixtures/einvoices');

export interface TemplateSet {
  ublInvoices: EInvoiceTemplate[];
  ublCreditNotes: EInvoiceTemplate[];
  cii: EInvoiceTemplate[];
}

let cached: TemplateSet | undefined;

/** Reads and indexes the fixtures once per process. */
export function loadTemplates(dir: string = FIXTURES_DIR): TemplateSet {
  if (cached && dir === FIXTURES_DIR) return cached;
  const read = (sub: string): [string, string][] =>
    readdirSync(path.join(dir, sub))
      .filter((f) => /\.xml$/i.test(f))
      .sort()
      .map((f) => [`${sub}/${f}`, readFileSync(path.join(dir, sub, f), 'utf8')]);
  const ubl = read('ubl')
    .map(([f, xml]) => ublTemplate(f, xml))
    .filter(usable);
  const set: TemplateSet = {
    ublInvoices: ubl.filter((t) => t.kind === 'invoice'),
    ublCreditNotes: ubl.filter((t) => t.kind === 'creditNote'),
    cii: read('cii')
      .map(([f, xml]) => ciiTemplate(f, xml))
      .filter(usable),
  };
  if (set.ublInvoices.length === 0 || set.ublCreditNotes.length === 0 || set.cii.length === 0) {
    throw new Error(`graph-sim generator: missing e-invoice fixtures in ${dir}`);
  }
  if (dir === FIXTURES_DIR) cached = set;
  return set;
}

/** A template must let the generator rewrite the number and issue date, and state a total. */
function usable(t: EInvoiceTemplate): boolean {
  return t.slots.number !== undefined && t.slots.issueDate !== undefined && t.slots.totalAmount !== undefined;
}
