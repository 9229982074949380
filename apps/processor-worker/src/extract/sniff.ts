// Content sniffing: the type of a document is decided by its bytes, never by its name or declared content type.

export type SniffedKind = 'empty' | 'pdf' | 'zip' | 'xml' | 'unknown';

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_EMPTY_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
/** PDF readers accept the header anywhere in the first kilobyte. */
const PDF_HEADER_WINDOW = 1024;

export function sniffKind(bytes: Buffer): SniffedKind {
  if (bytes.length === 0) return 'empty';
  if (bytes.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) return 'pdf';
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC) || bytes.subarray(0, 4).equals(ZIP_EMPTY_MAGIC)) return 'zip';
  if (looksLikeXml(bytes)) return 'xml';
  if (bytes.subarray(0, PDF_HEADER_WINDOW).indexOf(PDF_MAGIC) !== -1) return 'pdf';
  if (bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)) return 'empty';
  return 'unknown';
}

function looksLikeXml(bytes: Buffer): boolean {
  let i = 0;
  // UTF-8 byte order mark
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  // UTF-16 byte order marks: XML, but decoded differently
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)))
    return true;
  while (i < bytes.length && i < 4096) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) {
      i += 1;
      continue;
    }
    return b === 0x3c; // '<'
  }
  return false;
}

/**
 * Decodes XML bytes to text: a UTF-8 or UTF-16 byte order mark wins, else the declaration's encoding
 * (ISO-8859-1, windows-1252, ... as the runtime's TextDecoder knows them), else UTF-8. An encoding the runtime
 * does not know is read as UTF-8, with a warning saying so.
 */
export function decodeXmlText(bytes: Buffer): { text: string; warnings: string[] } {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), warnings: [] };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), warnings: [] };
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const declared = start === 0 ? declaredEncoding(bytes) : null;
  const warnings: string[] = [];
  if (declared !== null) {
    try {
      return { text: new TextDecoder(declared).decode(bytes), warnings };
    } catch {
      warnings.push(`unknown character encoding "${declared}" declared; read as UTF-8`);
    }
  }
  return { text: new TextDecoder('utf-8').decode(bytes.subarray(start)), warnings };
}

function declaredEncoding(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 200).toString('latin1');
  const m = /^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  const label = m?.[1]?.toLowerCase() ?? null;
  return label === null || label === 'utf-8' || label === 'utf8' ? null : label;
}

export function contentTypeFor(kind: SniffedKind): string {
  switch (kind) {
    case 'pdf':
      return 'application/pdf';
    case 'zip':
      return 'application/zip';
    case 'xml':
      return 'application/xml';
    default:
      return 'application/octet-stream';
  }
}
