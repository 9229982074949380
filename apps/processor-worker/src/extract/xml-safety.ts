// Supplier XML is hostile: a DOCTYPE or entity declaration is refused before any parser sees the text.

export const XML_DOCTYPE_REFUSED = 'XML with a DOCTYPE/entity declarations refused (possible entity-expansion attack)';

const DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

/** Returns the refusal reason, or null when the text carries no DOCTYPE/ENTITY declaration. */
export function xmlSafetyProblem(text: string): string | null {
  return DECLARATION.test(text) ? XML_DOCTYPE_REFUSED : null;
}
