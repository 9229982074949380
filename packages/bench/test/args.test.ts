import { intFlag, parseCommon, UsageError } from '../src/args';

describe("the benchmark's integer flags", () => {
  it('take digits only, at least the minimum, and the default when absent', () => {
    expect(intFlag('settle-seconds', undefined, 360, 0)).toBe(360);
    expect(intFlag('settle-seconds', '0', 360, 0)).toBe(0);
    expect(intFlag('invoices', '100000', 10, 1)).toBe(100_000);
  });

  it.each(['1e3', ' 5', '5.0', '0x10', '-1', '', 'ten', '99999999999999999999'])(
    'refuse %p with an error naming the flag',
    (raw) => {
      expect(() => intFlag('settle-seconds', raw, 360, 0)).toThrow(UsageError);
      expect(() => intFlag('settle-seconds', raw, 360, 0)).toThrow(/^--settle-seconds: an integer >= 0 expected/);
    },
  );

  it('refuse a value under the minimum', () => {
    expect(() => intFlag('invoices', '0', 10, 1)).toThrow('--invoices: an integer >= 1 expected (got 0)');
  });

  it('are read through the common parser, with `pnpm bench --` passing a bare "--"', () => {
    const { opts } = parseCommon(
      ['--', '--invoices', '250', '--mailboxes', '3'],
      'invoices',
      { count: 10, processors: 1 },
      {},
    );
    expect(opts.emails).toBe(250);
    expect(opts.mailboxes).toBe(3);
    expect(() => parseCommon(['--invoices', '2e2'], 'invoices', { count: 10, processors: 1 }, {})).toThrow(
      '--invoices: an integer >= 1 expected (got 2e2)',
    );
  });
});
