/**
 * A minimal XML scanner for the generator's own trusted fixtures: it records each element with the offsets of its content,
 * so that values can be read and replaced in place without reserialising the document. Not for hostile input.
 */
export interface XmlElement {
  /** Local name, without the namespace prefix. */
  local: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Offsets of the element's content (between its start and end tags) in the source text. */
  contentStart: number;
  contentEnd: number;
}

const ATTR_RE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function scanXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let pos = 0;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) break;
    if (xml.startsWith('<?', lt)) pos = endOf(xml, '?>', lt);
    else if (xml.startsWith('<!--', lt)) pos = endOf(xml, '-->', lt);
    else if (xml.startsWith('<![CDATA[', lt)) pos = endOf(xml, ']]>', lt);
    else if (xml.startsWith('<!', lt)) throw new Error('DOCTYPE and declarations are not supported');
    else if (xml.startsWith('</', lt)) {
      const gt = endOf(xml, '>', lt);
      const el = stack.pop();
      if (!el) throw new Error(`unbalanced end tag at ${lt}`);
      el.contentEnd = lt;
      pos = gt;
    } else {
      const gt = endOf(xml, '>', lt);
      const selfClosing = xml[gt - 2] === '/';
      const tag = xml.slice(lt + 1, selfClosing ? gt - 2 : gt - 1);
      const nameEnd = tag.search(/[\s/]|$/);
      const qname = tag.slice(0, nameEnd);
      const attrs: Record<string, string> = {};
      for (const m of tag.slice(nameEnd).matchAll(ATTR_RE)) attrs[m[1] as string] = decodeXml(m[2] ?? m[3] ?? '');
      const el: XmlElement = {
        local: qname.slice(qname.indexOf(':') + 1),
        attrs,
        children: [],
        contentStart: gt,
        contentEnd: gt,
      };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw new Error('more than one root element');
      else root = el;
      if (!selfClosing) stack.push(el);
      pos = gt;
    }
  }
  if (!root || stack.length > 0) throw new Error('incomplete XML document');
  return root;
}

function endOf(xml: string, token: string, from: number): number {
  const i = xml.indexOf(token, from);
  if (i < 0) throw new Error(`unterminated markup at ${from}`);
  return i + token.length;
}

export function child(el: XmlElement | undefined, local: string): XmlElement | undefined {
  return el?.children.find((c) => c.local === local);
}

export function children(el: XmlElement | undefined, local: string): XmlElement[] {
  return el ? el.children.filter((c) => c.local === local) : [];
}

/** Follows a path of local names, taking the first matching child at each step. */
export function path(el: XmlElement | undefined, ...locals: string[]): XmlElement | undefined {
  let cur = el;
  for (const local of locals) cur = child(cur, local);
  return cur;
}

/** The trimmed, entity-decoded text of a leaf element (null for an element with children or an empty one). */
export function textOf(xml: string, el: XmlElement | undefined): string | null {
  if (!el || el.children.length > 0) return null;
  const raw = xml.slice(el.contentStart, el.contentEnd);
  const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(raw);
  const text = (cdata ? (cdata[1] as string) : decodeXml(raw)).trim();
  return text === '' ? null : text;
}

export function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_m, ent: string) => {
    if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[ent] as string;
  });
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
