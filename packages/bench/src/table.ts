/** A two-column aligned table for stderr: a title, then `label   value` rows. */
export function table(title: string, rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([l]) => l.length));
  const vw = Math.max(...rows.map(([, v]) => String(v).length));
  const rule = '-'.repeat(width + vw + 3);
  return (
    [title, rule, ...rows.map(([l, v]) => `${l.padEnd(width)}   ${String(v).padStart(vw)}`), rule].join('\n') + '\n'
  );
}
