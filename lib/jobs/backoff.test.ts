import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, parseRetryAfter, retryDelayMs } from './backoff';

describe('retry delays', () => {
  it('grow exponentially with jitter between half and all of the step', () => {
    expect(retryDelayMs(1, { random: () => 0 })).toBe(500);
    expect(retryDelayMs(1, { random: () => 1 })).toBe(1000);
    expect(retryDelayMs(2, { random: () => 1 })).toBe(2000);
    expect(retryDelayMs(5, { random: () => 0.5 })).toBe(12_000);
  });

  it('stop growing at the cap', () => {
    expect(retryDelayMs(40, { random: () => 1 })).toBe(DEFAULT_BACKOFF.capMs);
    expect(retryDelayMs(40, { random: () => 0 })).toBe(DEFAULT_BACKOFF.capMs / 2);
  });

  it('spread out a crowd of jobs failing together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(6)));
    expect(delays.size).toBeGreaterThan(40);
  });

  it('take Retry-After as given, bounded', () => {
    expect(retryDelayMs(9, { retryAfterMs: 3000, random: () => 1 })).toBe(3000);
    expect(retryDelayMs(1, { retryAfterMs: 0 })).toBe(0);
    expect(retryDelayMs(1, { retryAfterMs: 10 * 24 * 3600_000 })).toBe(DEFAULT_BACKOFF.maxRetryAfterMs);
  });

  it('read Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-05T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 05 Dec 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
