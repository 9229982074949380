// Parses (already safety-checked) XML into a small element tree keyed by local names, so that readers
// match UBL's cbc:/cac: and CII's rsm:/ram:/udt: whatever prefixes a document chose.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { errorMessage, isRecord } from '@ms1/shared/plain';
import { xmlSafetyProblem } from './xml-safety';

export interface XmlElement {
  /** Local name (namespace prefix removed). */
  name: string;
  /** Namespace URI in scope for the element's prefix ('' when none is declared). */
  ns: string;
  /** Attributes by local name, entity references decoded. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated direct text content, entity references decoded, not trimmed. */
  text: string;
}

export type XmlParseResult = { ok: true; root: XmlElement } | { ok: false; refused: boolean; reason: string };

const ATTR_PREFIX = '@_';
const TEXT_KEY = '#text';
const MAX_NESTING = 200;

function newParser(): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    removeNSPrefix: false, // prefixes are resolved here, to know each element's namespace
    ignoreAttributes: false,
    attributeNamePrefix: ATTR_PREFIX,
    textNodeName: TEXT_KEY,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: MAX_NESTING,
  });
}

export function parseXml(text: string): XmlParseResult {
  const refusal = xmlSafetyProblem(text);
  if (refusal !== null) return { ok: false, refused: true, reason: refusal };
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      const { msg, line, col } = valid.err;
      return { ok: false, refused: false, reason: `malformed XML: ${msg} (line ${line}, column ${col})` };
    }
    const parsed: unknown = newParser().parse(stripLinesAndPayloads(text));
    const roots = toElements(parsed, new Map());
    const root = roots[0];
    if (root === undefined) return { ok: false, refused: false, reason: 'malformed XML: no root element' };
    return { ok: true, root };
  } catch (err) {
    return { ok: false, refused: false, reason: `malformed XML: ${errorMessage(err)}` };
  }
}

/**
 * Base64 attachments inside invoices (UBL EmbeddedDocumentBinaryObject, CII AttachmentBinaryObject) can be
 * megabytes long and are never read here; emptying them before parsing saves most of the parse time.
 */
const BINARY_PAYLOAD = /(<(?:[\w.-]+:)?(?:EmbeddedDocumentBinaryObject|AttachmentBinaryObject)\b[^>]*>)[^<]+/g;
/**
 * Invoice lines (UBL InvoiceLine/CreditNoteLine, CII IncludedSupplyChainTradeLineItem) are most of a big invoice and
 * no field is read from them: they are removed from the (already validated) text before parsing, so a 30 MB
 * invoice of 40,000 lines parses in about a second instead of about twenty.
 */
const INVOICE_LINE =
  /<((?:[\w.-]+:)?(?:InvoiceLine|CreditNoteLine|IncludedSupplyChainTradeLineItem))\b[^>]*?(?:\/>|>[\s\S]*?<\/\1\s*>)/g;

function stripLinesAndPayloads(text: string): string {
  return text.replace(INVOICE_LINE, '').replace(BINARY_PAYLOAD, '$1');
}

type NsScope = ReadonlyMap<string, string>;

function splitName(qname: string): { prefix: string; local: string } {
  const i = qname.indexOf(':');
  return i === -1 ? { prefix: '', local: qname } : { prefix: qname.slice(0, i), local: qname.slice(i + 1) };
}

/** preserveOrder output: an array of `{ tag: [children], ':@': { '@_attr': value } }` and `{ '#text': text }`. */
function toElements(nodes: unknown, scope: NsScope): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const out: XmlElement[] = [];
  for (const node of nodes) {
    if (!isRecord(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === ':@' || key === TEXT_KEY || key.startsWith('?')) continue;
      const { attrs, declarations } = readAttrs(node[':@']);
      const inner: NsScope = declarations.size === 0 ? scope : new Map([...scope, ...declarations]);
      const { prefix, local } = splitName(key);
      const children = toElements(value, inner);
      const text = Array.isArray(value) ? collectText(value) : '';
      out.push({ name: local, ns: inner.get(prefix) ?? '', attrs, children, text });
    }
  }
  return out;
}

function collectText(nodes: unknown[]): string {
  let text = '';
  for (const node of nodes) {
    if (isRecord(node) && TEXT_KEY in node) {
      const value = node[TEXT_KEY];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') text += String(value);
    }
  }
  return decodeXmlEntities(text);
}

/** Attributes by local name, and the namespace declarations (prefix -> URI; '' for the default namespace). */
function readAttrs(raw: unknown): { attrs: Record<string, string>; declarations: Map<string, string> } {
  const attrs: Record<string, string> = {};
  const declarations = new Map<string, string>();
  if (!isRecord(raw)) return { attrs, declarations };
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith(ATTR_PREFIX)) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    const qname = key.slice(ATTR_PREFIX.length);
    const text = decodeXmlEntities(String(value));
    if (qname === 'xmlns') declarations.set('', text);
    else if (qname.startsWith('xmlns:')) declarations.set(qname.slice(6), text);
    else attrs[splitName(qname).local] = text;
  }
  return { attrs, declarations };
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; anything else is left as written. */
export function decodeXmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

// ---- navigation helpers (local names) ----

export function child(el: XmlElement | null | undefined, name: string): XmlElement | null {
  if (!el) return null;
  return el.children.find((c) => c.name === name) ?? null;
}

export function childrenNamed(el: XmlElement | null | undefined, name: string): XmlElement[] {
  if (!el) return [];
  return el.children.filter((c) => c.name === name);
}

/** Follows a path of local names, taking the first match at each step. */
export function path(el: XmlElement | null | undefined, ...names: string[]): XmlElement | null {
  let current: XmlElement | null = el ?? null;
  for (const name of names) {
    current = child(current, name);
    if (current === null) return null;
  }
  return current;
}

/** All elements reached by a path of local names (every match at each step). */
export function pathAll(el: XmlElement | null | undefined, ...names: string[]): XmlElement[] {
  let current: XmlElement[] = el ? [el] : [];
  for (const name of names) current = current.flatMap((c) => childrenNamed(c, name));
  return current;
}

/** Trimmed text of an element; null when the element is missing or empty. */
export function textOf(el: XmlElement | null | undefined): string | null {
  if (!el) return null;
  const t = el.text.trim();
  return t === '' ? null : t;
}

/** Trimmed text with inner whitespace runs collapsed (names spread over lines). */
export function nameOf(el: XmlElement | null | undefined): string | null {
  const t = textOf(el);
  return t === null ? null : t.replace(/\s+/g, ' ');
}
