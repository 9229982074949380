// The element tree the UBL and CII readers walk: one strict pass, lines and binary payloads left out, sloppy but
// legible supplier XML still read, broken structure refused with where it broke.
import { parseXml, type XmlElement } from '../src/extract/xml-read';

function rootOf(xml: string): XmlElement {
  const parsed = parseXml(xml);
  if (!parsed.ok) throw new Error(`expected a tree, got: ${parsed.reason}`);
  return parsed.root;
}

function reasonOf(xml: string): string {
  const parsed = parseXml(xml);
  if (parsed.ok) throw new Error('expected a refusal');
  return parsed.reason;
}

describe('parseXml', () => {
  it('gives local names, the namespace in scope of each prefix, attributes and decoded text', () => {
    const root = rootOf(
      '<?xml version="1.0"?><inv:Invoice xmlns:inv="urn:i" xmlns="urn:d"><Id scheme="a&amp;b">7 &lt; 8</Id>' +
        '<inv:Note><![CDATA[x<y]]> &#x41;</inv:Note></inv:Invoice>',
    );
    expect(root).toMatchObject({ name: 'Invoice', ns: 'urn:i' });
    expect(root.children.map((c) => [c.name, c.ns, c.text])).toEqual([
      ['Id', 'urn:d', '7 < 8'],
      ['Note', 'urn:i', 'x<y A'],
    ]);
    expect(root.children[0]?.attrs).toEqual({ scheme: 'a&b' });
  });

  it('leaves invoice lines out of the tree and keeps no binary payload text', () => {
    const root = rootOf(
      '<Invoice><ID>1</ID><InvoiceLine><ID>L1</ID><Item><Name>x</Name></Item></InvoiceLine>' +
        '<cac:InvoiceLine xmlns:cac="urn:c"/><Doc><EmbeddedDocumentBinaryObject mimeCode="application/pdf">' +
        'QUJD</EmbeddedDocumentBinaryObject></Doc><Total>5</Total></Invoice>',
    );
    expect(root.children.map((c) => c.name)).toEqual(['ID', 'Doc', 'Total']);
    expect(root.children[1]?.children[0]).toMatchObject({ text: '', attrs: { mimeCode: 'application/pdf' } });
  });

  it('reads sloppy but legible XML: undeclared entities and prefixes, control characters, junk after the root', () => {
    const root = rootOf('<Invoice><Name>A&nbsp;B\u0001</Name><p:ID>9</p:ID></Invoice>\n<Second/>trailing');
    expect(root.children.map((c) => [c.name, c.ns, c.text])).toEqual([
      ['Name', '', 'A&nbsp;B\u0001'],
      ['ID', '', '9'],
    ]);
  });

  it.each([
    ['<Invoice><ID>1</Invoice>', /^malformed XML: unexpected close tag\. \(line 1, column \d+\)$/],
    ['<Invoice>\n<ID a=1/></Invoice>', /^malformed XML: unquoted attribute value\. \(line 2, column \d+\)$/],
    ['<Invoice><ID a="1" a="2"/></Invoice>', /^malformed XML: duplicate attribute: a\./],
    ['<Invoice><ID>', /^malformed XML: unclosed tag: ID/],
    ['', /^malformed XML: document must contain a root element\./],
  ])('refuses broken structure %j with where it broke', (xml, reason) => {
    expect(reasonOf(xml)).toMatch(reason);
  });

  it('refuses nesting deeper than 200 levels, inside skipped lines too', () => {
    const deep = (n: number, inner = ''): string => '<a>'.repeat(n) + inner + '</a>'.repeat(n);
    expect(parseXml(deep(200)).ok).toBe(true);
    expect(reasonOf(deep(201))).toBe('malformed XML: elements nested deeper than 200 levels');
    expect(reasonOf(`<Invoice><InvoiceLine>${deep(199)}</InvoiceLine></Invoice>`)).toMatch(/nested deeper than 200/);
  });

  it('refuses a DOCTYPE before parsing', () => {
    expect(parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).toMatchObject({ ok: false, refused: true });
  });
});
