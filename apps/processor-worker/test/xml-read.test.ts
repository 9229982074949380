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

  it('reads sloppy but legible XML: undeclared entities and prefixes, control characters, `&;` kept as written', () => {
    const root = rootOf('<Invoice><Name>A&nbsp;B\u0001&;&#12a;&#;</Name><p:ID scheme="x&;y">9</p:ID></Invoice>');
    expect(root.children.map((c) => [c.name, c.ns, c.text])).toEqual([
      ['Name', '', 'A&nbsp;B\u0001&;&#12a;&#;'],
      ['ID', '', '9'],
    ]);
    expect(root.children[1]?.attrs).toEqual({ scheme: 'x&;y' });
  });

  it.each([
    ['whitespace after the root', '', '', '\n \t\r\n'],
    ['comments and processing instructions after the root', '', '', '\n<!-- sent by X -->\n<?pi x?>\n'],
    ['`--` inside comments', '<!-- a -- b -->', '<!-- c -- d -->', '<!-- e -- f -->'],
    ['a comment closed by five dashes', '', '<!-- x ----->', ''],
    ['an XML declaration without a version', '<?xml encoding="UTF-8"?>', '', ''],
    ['an empty XML declaration', '<?xml?>', '', ''],
    ['a misordered XML declaration', '<?xml encoding="UTF-8" version="1.0"?>', '', ''],
    ['an XML declaration with no space between pairs', '<?xml version="1.0"encoding="UTF-8"?>', '', ''],
    ['odd XML declaration values', '<?xml version="2.0" encoding="utf 8" standalone="true"?>', '', ''],
    ['an unquoted XML declaration', '<?xml version=1.0 encoding=UTF-8?>', '', ''],
    ['a `?` inside the XML declaration', '<?xml version="1.0" encoding="a?b"?>', '', ''],
    ['an upper-case XML declaration', '<?XML version="1.0"?>', '', ''],
    // Refused by the old validator; read now, as `?` inside the declaration gives the same message (xml-tolerated.ts).
    ['`?` and `>` apart closing the XML declaration', '<?xml version="1.0"? >', '', ''],
    ['processing instructions without a target or with an odd name', '<? x?>', '<?a/b c?>', ''],
  ])('reads %s with every field as written', (_what, before, inside, after) => {
    const root = rootOf(`${before}<Invoice>${inside}<ID a="1">7</ID></Invoice>${after}`);
    expect(root.children).toEqual([{ name: 'ID', ns: '', attrs: { a: '1' }, children: [], text: '7' }]);
  });

  it.each([
    ['a second root', '<Invoice><ID>1</ID></Invoice>\n<Other>2</Other>', /documents may contain only one root\./],
    ['a self-closing second root', '<Invoice><ID>1</ID></Invoice><Extra/>', /documents may contain only one root\./],
    ['text after the root', '<Invoice><ID>1</ID></Invoice>\ntrailing', /text data outside of root node\./],
    ['text before the root', 'junk<Invoice><ID>1</ID></Invoice>', /text data outside of root node\./],
    ['CDATA after the root', '<Invoice><ID>1</ID></Invoice><![CDATA[x]]>junk', /text data outside of root node\./],
    ['an XML declaration not at the start', '\n<?xml version="1.0"?><Invoice/>', /declaration must be at the start/],
    // The old validator let these through; saxes would read on with a field changed or lost.
    ['`<` in an attribute value (saxes drops it)', '<Invoice><ID a="x<y">1</ID></Invoice>', /disallowed character\./],
    ['a bare `&` in an attribute value', '<Invoice><ID a="A & B">1</ID><N>x &amp; y</N></Invoice>', /entity name/],
    ['a bare `&` in text', '<Invoice><N>A & B</N><ID>1;</ID></Invoice>', /entity name/],
    ['a bare `&` with no `;` after it', '<Invoice><ID a="A & B">1</ID></Invoice>', /unclosed tag: Invoice/],
    ['a comment closed by `--->`', '<Invoice><!-- x ---><ID>1</ID><!-- y --></Invoice>', /malformed comment\./],
    ['a comment closed by `---->`', '<Invoice><!-- x ----><ID>1</ID><!-- y --></Invoice>', /malformed comment\./],
    ['`<?>`', '<Invoice><?><ID>1</ID><?pi x?></Invoice>', /processing instruction name\./],
    ['`<?pi>`', '<Invoice><?pi><ID>1</ID><Note>x</Note><?pi x?></Invoice>', /processing instruction name\./],
    ['an instruction whose body holds markup', '<Invoice><?pi ><ID>1</ID><?x?></Invoice>', /holds markup\./],
    ['an instruction without a target holding markup', '<Invoice><? ><ID>1</ID><?x?></Invoice>', /holds markup\./],
    ['`&#` reading into markup', '<Invoice><N>a &#</N><N>b;</N></Invoice>', /malformed character entity\./],
    ['`&#` reading into the next element', '<Invoice><ID>A &# 1</ID><ID>2;</ID></Invoice>', /character entity\./],
    ['`&#` reading out of an attribute', '<Invoice><N a="&#x">z</N><N b="1;">q</N></Invoice>', /character entity\./],
  ])('refuses %s', (_what, xml, reason) => {
    expect(reasonOf(xml)).toMatch(/^malformed XML: .* \(line \d+, column \d+\)$/);
    expect(reasonOf(xml)).toMatch(reason);
  });

  it('reads an invoice line as the root, leaving out only the lines inside it', () => {
    const root = rootOf('<InvoiceLine><ID>L1</ID><InvoiceLine><ID>L2</ID></InvoiceLine></InvoiceLine>');
    expect(root).toMatchObject({ name: 'InvoiceLine', children: [{ name: 'ID', text: 'L1' }] });
    expect(root.children).toHaveLength(1);
  });

  it('refuses a document past 10,000 tolerated errors', () => {
    const controls = (n: number): string => `<Invoice><ID>1</ID><Name>${'\u0001'.repeat(n)}</Name></Invoice>`;
    expect(parseXml(controls(10_000)).ok).toBe(true);
    expect(reasonOf(controls(10_001))).toBe('malformed XML: more than 10000 errors');
    expect(reasonOf(controls(5_000_000))).toBe('malformed XML: more than 10000 errors');
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
