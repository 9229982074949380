// saxes is stricter than the parser it replaced (fast-xml-parser 5.12.1's validator). What that validator let through,
// and what saxes reads on from with every field as written, stays readable: a supplier's sloppy but legible invoice is
// read, not dead-lettered. Structure errors (unclosed or mismatched tags, broken attributes, bad names, a second root,
// text outside the root) stay fatal, and so does whatever saxes would read on from with a field changed or lost.
//
// Refused although the old validator let it through, since saxes loses data there:
// - a bare `&` in an attribute value ("disallowed character in entity name."): saxes reads up to the next `;`, however
//   far, as an entity name;
// - `<` in an attribute value: saxes drops it;
// - a comment closed by a run of dashes saxes pairs up wrongly (`--->`, `---->`, ...): it misses the end and reads
//   the elements after it as comment;
// - a character reference holding more than letters and digits (`&#</N><N>1;`): saxes reads up to the next `;`, markup
//   included, as the reference;
// - `<?>`, `<?pi>`: saxes reads everything up to the next `?>` as a processing instruction (xml-read.ts refuses one
//   whose body holds `<` for the same reason: `<?pi ><ID>1</ID><?x?>`);
// - CDATA outside the root: saxes says "text data outside of root node." once, then lets any later text there through;
// - `<!` not opening a comment or CDATA: saxes cannot read on ("incorrect syntax.");
// - quirks of the old validator's checks: a self-closing second root, text after the root made only of entity
//   references, `<?xml ...?>` inside the root (saxes' message for it is the one for a declaration after leading
//   whitespace, which the old validator refused).

/** Where a message is tolerated only in some places: `at` is the parser's position, just past the character. */
type Where = (text: string, at: number) => boolean;

const anywhere: Where = () => true;

const TOLERATED: ReadonlyMap<string, Where> = new Map([
  // References kept as written: &nbsp; and friends, &#0;, &;. In text the old validator refused `&;` and the forms it
  // did not know (`&a-b;`, `&#12a;`); they are read now, since no field changes. A character reference runs to the
  // next `;` whatever lies between, so one holding anything but letters and digits swallowed markup: refused.
  ['undefined entity.', anywhere],
  [
    'malformed character entity.',
    (text, at) => /^&#[0-9A-Za-z]*;$/.test(text.slice(text.lastIndexOf('&', at - 1), at)),
  ],
  ['empty entity name.', anywhere],
  // Control characters in text or attribute values; not `<` in an attribute value, which saxes drops.
  ['disallowed character.', (text, at) => text[at - 1] !== '<'],
  ['the string "]]>" is disallowed in char data.', anywhere],
  // `--` inside a comment. After a third dash saxes needs two more before `>`: `--->` and `---->` are refused.
  ['malformed comment.', (text, at) => text[at - 1] !== '-' || !/^-?>/.test(text.slice(at, at + 2))],
  ['processing instruction without a target.', anywhere],
  // Not `<` or `>` in the name (`<?>`, `<?pi>`): saxes would read on to the next `?>` as the instruction's name.
  ['disallowed character in processing instruction name.', (text, at) => !'<>'.includes(text[at - 1] ?? '')],
  ['the XML declaration must appear at the start of the document.', anywhere], // <?XML ...?>, a PI to saxes
]);

/**
 * Starts of what saxes says about the XML declaration's pseudo-attributes (missing, misspelt, misordered, unquoted,
 * odd values, no space between them, a `?` inside): nothing is read from the declaration, and saxes reads on after it.
 * One form the old validator refused, `?` and `>` apart (`<?xml version="1.0"? >`), is read now: it gives the same
 * message as a `?` in a value, which that validator let through.
 */
const XML_DECLARATION = [
  'expected the name ',
  'expected one of ',
  'did not expect any more name/value pairs.',
  'XML declaration is incomplete.',
  'XML declaration must contain a version.',
  'value required.',
  'value must be quoted.',
  'whitespace required.',
  'version number must match ',
  'encoding value must match ',
  'standalone value must match ',
  'The character ? is disallowed anywhere in XML declarations.',
];

/** `message` as saxes writes it ("line:column: text"); `text` the whole document, `at` the parser's position. */
export function isToleratedXmlError(message: string, text: string, at: number): boolean {
  const bare = message.replace(/^\d+:\d+: /, '');
  const where = TOLERATED.get(bare) ?? (XML_DECLARATION.some((start) => bare.startsWith(start)) ? anywhere : undefined);
  return where?.(text, at) ?? false;
}
