// saxes is stricter than the parser it replaced (fast-xml-parser's validator). What that parser let through, and what
// changes no field a reader takes, stays readable: a supplier's sloppy but legible invoice is read, not dead-lettered.
// Structure errors (unclosed or mismatched tags, broken attributes, bad names) stay fatal.

const TOLERATED = [
  'undefined entity.', // &nbsp; and friends: kept as written
  'malformed character entity.', // &#0;: kept as written
  'disallowed character.', // control characters in text or attribute values
  'the string "]]>" is disallowed in char data.',
  'documents may contain only one root.', // what follows the first root is ignored
  'text data outside of root node.',
];

/** `message` as saxes writes it: "line:column: text". */
export function isToleratedXmlError(message: string): boolean {
  const text = message.replace(/^\d+:\d+: /, '');
  return TOLERATED.includes(text);
}
