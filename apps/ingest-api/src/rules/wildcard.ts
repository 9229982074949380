/**
 * A case-insensitive wildcard pattern (`*` any run of characters, `?` one character; everything else literal),
 * matched against the whole text.
 */
export function wildcard(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

/** Several patterns at once: `test` is true when any of them matches. */
export class PatternSet {
  private readonly regexps: RegExp[];

  constructor(readonly patterns: readonly string[]) {
    this.regexps = patterns.map(wildcard);
  }

  test(text: string): boolean {
    return this.regexps.some((r) => r.test(text));
  }

  get empty(): boolean {
    return this.regexps.length === 0;
  }
}
