// Reads one XML document as a structured invoice: safety check, parse, then UBL or CII by root element.

import { isCiiRoot, readCii } from './cii';
import { decodeXmlText } from './sniff';
import type { InvoiceFormat, XmlInvoiceRead } from './types';
import { isUblRoot, readUbl } from './ubl';
import { parseXml } from './xml-read';

const UBL_NS_PREFIX = 'urn:oasis:names:specification:ubl:schema:xsd:';
/** CII D16B (urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100) and ZUGFeRD 1.0 (urn:ferd:CrossIndustryDocument:invoice:1p0). */
const CII_NS = /CrossIndustry(Invoice|Document)/;

/** `ciiFormat` is the format recorded for CII ('facturx' when the XML came out of a PDF). */
export function readXmlInvoice(bytes: Buffer, ciiFormat: InvoiceFormat = 'cii'): XmlInvoiceRead {
  const { text, warnings: decoding } = decodeXmlText(bytes);
  const parsed = parseXml(text);
  if (!parsed.ok) return { ok: false, outcome: parsed.refused ? 'refused' : 'unreadable', reason: parsed.reason };
  const { root } = parsed;
  const foreign = (expected: string): XmlInvoiceRead => ({
    ok: false,
    outcome: 'not-an-invoice',
    reason: `XML root <${root.name}> is in namespace "${root.ns}", not ${expected}`,
  });
  const lax = (expected: string): string[] =>
    root.ns === '' ? [`root <${root.name}> declares no namespace (${expected} expected)`] : [];
  if (isUblRoot(root)) {
    if (root.ns !== '' && !root.ns.startsWith(UBL_NS_PREFIX)) return foreign('UBL 2.1');
    const read = readUbl(root);
    return { ok: true, invoice: read.invoice, warnings: [...decoding, ...lax('UBL 2.1'), ...read.warnings] };
  }
  if (isCiiRoot(root)) {
    if (root.ns !== '' && !CII_NS.test(root.ns)) return foreign('UN/CEFACT CII');
    const read = readCii(root, ciiFormat);
    return { ok: true, invoice: read.invoice, warnings: [...decoding, ...lax('UN/CEFACT CII'), ...read.warnings] };
  }
  return {
    ok: false,
    outcome: 'not-an-invoice',
    reason: `XML root element <${root.name}> is neither a UBL Invoice/CreditNote nor a CII CrossIndustryInvoice/CrossIndustryDocument`,
  };
}
