import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

describe('RateLimiter (token bucket per app)', () => {
  it('allows a burst, then the sustained rate, and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(10, 5, () => now);
    for (let i = 0; i < 5; i++) expect(limiter.take('app-a')).toBe(0);
    expect(limiter.take('app-a')).toBe(100); // one token refills in 1/10 s
    expect(limiter.take('app-b')).toBe(0); // another app has its own bucket
    now += 100;
    expect(limiter.take('app-a')).toBe(0);
    expect(limiter.take('app-a')).toBeGreaterThan(0);
    now += 10_000;
    for (let i = 0; i < 5; i++) expect(limiter.take('app-a')).toBe(0); // refilled, never beyond the burst
    expect(limiter.take('app-a')).toBeGreaterThan(0);
  });
});
