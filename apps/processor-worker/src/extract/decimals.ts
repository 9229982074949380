// Decimal amounts stay strings: never Number() an amount (no floats, no rounding).

const XML_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** An amount from a structured document: whitespace trimmed, otherwise exactly as written. Empty -> null. */
export function xmlAmount(text: string | null): string | null {
  if (text === null) return null;
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

export function isXmlDecimal(text: string): boolean {
  return XML_DECIMAL.test(text);
}

/**
 * Normalises an amount as printed in a PDF ("1,234.50", "1.234,50", "1 234,50", "1'234.50", "-12,00")
 * to a plain decimal string ("1234.50") by moving characters only; returns null when it is not an amount.
 * The last separator followed by one or two digits is the decimal mark; other separators group thousands.
 */
export function normalizePrintedAmount(raw: string): string | null {
  let text = raw.trim().replace(/[\u00a0\u202f\u2009 ']/g, '');
  let sign = '';
  if (/^[-\u2212]/.test(text)) {
    sign = '-';
    text = text.slice(1);
  } else if (/[-\u2212]$/.test(text)) {
    sign = '-';
    text = text.slice(0, -1);
  }
  if (!/^\d[\d.,]*$/.test(text)) return null;
  const lastSep = Math.max(text.lastIndexOf('.'), text.lastIndexOf(','));
  let intPart = text;
  let fracPart = '';
  if (lastSep !== -1) {
    const after = text.slice(lastSep + 1);
    if (after.length === 1 || after.length === 2) {
      intPart = text.slice(0, lastSep);
      fracPart = after;
    }
  }
  const groups = intPart.split(/[.,]/);
  if (groups.length > 1 && groups.slice(1).some((g) => g.length !== 3)) return null;
  const digits = groups.join('');
  if (!/^\d+$/.test(digits)) return null;
  return sign + digits + (fracPart === '' ? '' : `.${fracPart}`);
}
