import { parseRetryAfter, readResults } from '../src/ms4-client';

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(parseRetryAfter('Sun, 29 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('answers null for nothing usable', () => {
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('')).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('readResults', () => {
  it('reads per-item results', () => {
    const body = {
      results: [
        { index: 0, invoiceKey: 'a', status: 'accepted', code: 200 },
        {
          index: 1,
          invoiceKey: null,
          status: 'rejected',
          code: 400,
          error: 'invalid item',
          reasons: ['items[1].x: bad'],
        },
      ],
    };
    expect(readResults(body)).toEqual([
      { index: 0, invoiceKey: 'a', status: 'accepted', code: 200, error: undefined, reasons: undefined },
      {
        index: 1,
        invoiceKey: null,
        status: 'rejected',
        code: 400,
        error: 'invalid item',
        reasons: ['items[1].x: bad'],
      },
    ]);
  });
  it('refuses a malformed array', () => {
    expect(readResults({ results: [{ index: 0, status: 'maybe' }] })).toBeNull();
    expect(readResults({})).toBeNull();
    expect(readResults(null)).toBeNull();
  });
});
