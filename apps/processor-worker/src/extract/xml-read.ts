// Parses (safety-checked) XML into a small element tree keyed by local names, so that readers
// match UBL's cbc:/cac: and CII's rsm:/ram:/udt: whatever prefixes a document chose.

import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { errorMessage } from '@ms1/shared/plain';
import { isToleratedXmlError } from './xml-tolerated';
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

const MAX_NESTING = 200;
/** saxes builds an Error for each tolerated complaint too: millions of control characters are refused, not counted. */
const MAX_TOLERATED_ERRORS = 10_000;

/**
 * Invoice lines (UBL InvoiceLine/CreditNoteLine, CII IncludedSupplyChainTradeLineItem) are most of a big invoice and
 * no field is read from them: they are checked for well-formedness but never built into the tree, so a 30 MB invoice
 * of 40,000 lines costs its parse and no memory. One that is the document's root is built: a document needs a root, and
 * the reader then says what it is not.
 */
const INVOICE_LINES = new Set(['InvoiceLine', 'CreditNoteLine', 'IncludedSupplyChainTradeLineItem']);
/** Base64 attachments inside invoices can be megabytes long and are never read: their text is not kept. */
const BINARY_PAYLOADS = new Set(['EmbeddedDocumentBinaryObject', 'AttachmentBinaryObject']);

type NsScope = ReadonlyMap<string, string>;

interface OpenElement {
  element: XmlElement;
  scope: NsScope;
  keepsText: boolean;
}

class MalformedXml extends Error {}

/** One pass of a strict SAX parser (saxes) builds the tree; well-formedness is checked on the whole document. */
export function parseXml(text: string): XmlParseResult {
  const refusal = xmlSafetyProblem(text);
  if (refusal !== null) return { ok: false, refused: true, reason: refusal };
  const parser = new SaxesParser();
  const open: OpenElement[] = [];
  let root: XmlElement | null = null;
  let skippedDepth = 0; // > 0 inside an invoice line
  const appendText = (chunk: string): void => {
    const top = open[open.length - 1];
    if (skippedDepth === 0 && top?.keepsText === true) top.element.text += chunk;
  };
  let tolerated = 0;
  // One write of the whole text: the parser's position is an index into `text`, which the tolerance rules read.
  parser.on('error', (err) => {
    if (!isToleratedXmlError(err.message, text, parser.position)) throw new MalformedXml(malformedReason(err.message));
    if (++tolerated > MAX_TOLERATED_ERRORS) {
      throw new MalformedXml(`malformed XML: more than ${MAX_TOLERATED_ERRORS} errors`);
    }
  });
  parser.on('processinginstruction', (pi) => {
    // saxes ends an instruction only at `?>`: markup in its body is elements it swallowed.
    if (pi.body.includes('<')) {
      throw new MalformedXml(malformedReason(`${parser.line}:${parser.column}: processing instruction holds markup.`));
    }
  });
  parser.on('text', appendText);
  parser.on('cdata', appendText);
  parser.on('opentag', (tag) => {
    if (open.length + skippedDepth >= MAX_NESTING) {
      throw new MalformedXml(`malformed XML: elements nested deeper than ${MAX_NESTING} levels`);
    }
    const { prefix, local } = splitName(tag.name);
    if (skippedDepth > 0 || (open.length > 0 && INVOICE_LINES.has(local))) {
      skippedDepth++;
      return;
    }
    const parent = open[open.length - 1];
    const { attrs, scope } = readAttrs(tag, parent?.scope ?? new Map());
    const element: XmlElement = { name: local, ns: scope.get(prefix) ?? '', attrs, children: [], text: '' };
    if (parent === undefined) root = element;
    else parent.element.children.push(element);
    open.push({ element, scope, keepsText: !BINARY_PAYLOADS.has(local) });
  });
  parser.on('closetag', () => {
    if (skippedDepth > 0) skippedDepth--;
    else open.pop();
  });
  try {
    parser.write(text).close();
  } catch (err) {
    const reason = err instanceof MalformedXml ? err.message : `malformed XML: ${errorMessage(err)}`;
    return { ok: false, refused: false, reason };
  }
  if (root === null) return { ok: false, refused: false, reason: 'malformed XML: no root element' };
  return { ok: true, root };
}

/** saxes writes "line:column: message"; the reason says it in words, as an operator reads it. */
function malformedReason(message: string): string {
  const at = /^(\d+):(\d+): ([\s\S]*)$/.exec(message);
  if (at === null) return `malformed XML: ${message}`;
  return `malformed XML: ${at[3]} (line ${at[1]}, column ${at[2]})`;
}

function splitName(qname: string): { prefix: string; local: string } {
  const i = qname.indexOf(':');
  return i === -1 ? { prefix: '', local: qname } : { prefix: qname.slice(0, i), local: qname.slice(i + 1) };
}

/** Attributes by local name, and the namespace scope the element's declarations (if any) open. */
function readAttrs(tag: SaxesTagPlain, outer: NsScope): { attrs: Record<string, string>; scope: NsScope } {
  const attrs: Record<string, string> = {};
  let scope: Map<string, string> | null = null;
  for (const [qname, value] of Object.entries(tag.attributes)) {
    if (qname === 'xmlns' || qname.startsWith('xmlns:')) {
      scope ??= new Map(outer);
      scope.set(qname === 'xmlns' ? '' : qname.slice(6), value);
    } else {
      attrs[splitName(qname).local] = value;
    }
  }
  return { attrs, scope: scope ?? outer };
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
