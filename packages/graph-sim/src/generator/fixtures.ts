import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EINVOICES_DIR } from '@ms1/fixtures';
import { ciiTemplate } from './cii';
import type { EInvoiceTemplate } from './template';
import { ublTemplate } from './ubl';

/** The project's one copy of the EN 16931 examples (package @ms1/fixtures). */
export const FIXTURES_DIR = EINVOICES_DIR;

/**
 * Fixtures the generator never uses as templates: two are over 100 KB (generated attachments stay small), the
 * others are held out so that the processor's tests also read documents that no generated mail was built from.
 */
const NOT_TEMPLATES = new Set([
  'cii/CII-BR-CO-10-RoundingIssue.xml',
  'cii/CII_business_example_02.xml',
  'cii/XRechnung-O.xml',
  'cii/huf_example_cii.xml',
  'ubl/BIS3_Invoice_negativ.XML',
  'ubl/FT_G2G_TD01_allegato_bonifico_split_payment.xml',
  'ubl/sample-discount-price.xml',
]);

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
      .filter((f) => /\.xml$/i.test(f) && !NOT_TEMPLATES.has(`${sub}/${f}`))
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
