import { readResults } from '../src/ms4-client';

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
