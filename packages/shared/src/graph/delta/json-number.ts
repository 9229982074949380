// A JSON number's grammar, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, read a character at a time so that a
// number may be cut anywhere between input chunks. A part says where the number is.
export const NUMBER_START = 0;
const AFTER_MINUS = 1;
const AFTER_ZERO = 2;
const INTEGER = 3;
const AFTER_DOT = 4;
const FRACTION = 5;
const AFTER_E = 6;
const AFTER_EXP_SIGN = 7;
const EXPONENT = 8;
export const NUMBER_ENDED = -1; // the character is not part of the number, which is whole
export const NUMBER_BROKEN = -2; // the character is not part of the number, which is not whole
export const numberMayEnd = (part: number): boolean =>
  part === AFTER_ZERO || part === INTEGER || part === FRACTION || part === EXPONENT;

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Where a number is after character `c`, or whether it ended there. */
export function nextNumberPart(part: number, c: number): number {
  const digit = isDigit(c);
  const dotOrE = c === 46 /* . */ ? AFTER_DOT : c === 101 || c === 69 /* e E */ ? AFTER_E : NUMBER_ENDED;
  switch (part) {
    case NUMBER_START:
      if (c === 45 /* - */) return AFTER_MINUS;
      return digit ? (c === 48 ? AFTER_ZERO : INTEGER) : NUMBER_BROKEN;
    case AFTER_MINUS:
      return digit ? (c === 48 ? AFTER_ZERO : INTEGER) : NUMBER_BROKEN;
    case AFTER_ZERO:
      return dotOrE;
    case INTEGER:
      return digit ? INTEGER : dotOrE;
    case AFTER_DOT:
      return digit ? FRACTION : NUMBER_BROKEN;
    case FRACTION:
      return digit ? FRACTION : dotOrE === AFTER_E ? AFTER_E : NUMBER_ENDED;
    case AFTER_E:
      return c === 43 || c === 45 /* + - */ ? AFTER_EXP_SIGN : digit ? EXPONENT : NUMBER_BROKEN;
    case AFTER_EXP_SIGN:
      return digit ? EXPONENT : NUMBER_BROKEN;
    default:
      return digit ? EXPONENT : NUMBER_ENDED;
  }
}
