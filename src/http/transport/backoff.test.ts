import { backoffMs, retryAfterMs } from './backoff';
import { wasNotSent } from './failure';

describe('retryAfterMs', () => {
  const headers = (init: Record<string, string>) => new Headers(init);
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': '0.5' }))).toBe(500);
    expect(retryAfterMs(headers({ 'retry-after-ms': '25', 'retry-after': '9' }))).toBe(25);
    const now = () => Date.parse('Wed, 25 Nov 2026 10:00:00 GMT');
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 25 Nov 2026 10:00:03 GMT' }), now)).toBe(3000);
  });
  it('ignores absent, negative, garbage and over-long values', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': '-1' }))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': '3600' }))).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles from initialMs, caps at maxMs, and jitters down by at most 25%', () => {
    const options = { initialMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffMs(n, options, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffMs(0, options, () => 1)).toBe(75);
    expect(backoffMs(0, {}, () => 0)).toBe(500);
  });
});

describe('wasNotSent', () => {
  const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });
  it('is true only when every code in the chain proves the connection never opened', () => {
    expect(wasNotSent(fetchFailed({ code: 'ECONNREFUSED' }))).toBe(true);
    expect(wasNotSent(fetchFailed(Object.assign(new AggregateError([{ code: 'ECONNREFUSED' }, { code: 'ENETUNREACH' }]), { code: 'ECONNREFUSED' })))).toBe(true);
    expect(wasNotSent(fetchFailed({ code: 'ECONNRESET' }))).toBe(false);
    expect(wasNotSent(fetchFailed({ code: 'UND_ERR_SOCKET' }))).toBe(false);
    expect(wasNotSent(new Error('custom fetch failed without a code'))).toBe(false);
    expect(wasNotSent(undefined)).toBe(false);
  });
});
