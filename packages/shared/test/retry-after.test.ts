import { parseRetryAfter } from '../src';

// The one Retry-After parser, shared by the Graph client and the MS4 sender.
describe('parseRetryAfter', () => {
  const maxMs = 60_000;

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('2', { maxMs })).toBe(2000);
    expect(parseRetryAfter(' 0 ', { maxMs })).toBe(0);
    expect(parseRetryAfter('1.5', { maxMs })).toBe(1500);
  });

  it('reads HTTP dates against the given clock', () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(parseRetryAfter('Sun, 29 Nov 2026 10:00:05 GMT', { maxMs, now })).toBe(5000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 09:00:00 GMT', { maxMs, now })).toBe(0); // in the past: no wait
  });

  it('caps a long or hostile value at maxMs', () => {
    expect(parseRetryAfter('86400', { maxMs })).toBe(maxMs);
    expect(parseRetryAfter('99999999999999999999', { maxMs })).toBe(maxMs);
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:00 GMT', { maxMs, now })).toBe(maxMs);
  });

  it('answers null for nothing usable, so the caller backs off on its own terms', () => {
    expect(parseRetryAfter(null, { maxMs })).toBeNull();
    expect(parseRetryAfter(undefined, { maxMs })).toBeNull();
    expect(parseRetryAfter('', { maxMs })).toBeNull();
    expect(parseRetryAfter('soon', { maxMs })).toBeNull();
    expect(parseRetryAfter('-5', { maxMs })).toBeNull();
  });
});
