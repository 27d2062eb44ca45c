import { describe, expect, it } from 'vitest';
import { FifoCache } from './fifo-cache';

describe('FifoCache (the validation caches, the verified access tokens)', () => {
  it('keep at most their size, the oldest out first, an entry set again keeping its place', () => {
    const cache = new FifoCache<number>(3);
    for (const [i, key] of ['a', 'b', 'c'].entries()) cache.set(key, i);
    cache.set('b', 10);
    cache.set('d', 3);
    expect(['a', 'b', 'c', 'd'].map((k) => cache.get(k))).toEqual([undefined, 10, 2, 3]);
    for (const key of ['e', 'f', 'g']) cache.set(key, 0);
    expect(['b', 'c', 'd', 'e', 'f', 'g'].map((k) => cache.get(k) !== undefined)).toEqual([false, false, false, true, true, true]);
    expect(cache.size).toBe(3);
    cache.clear();
    cache.set('h', 1);
    expect([cache.size, cache.get('e'), cache.get('h')]).toEqual([1, undefined, 1]);
  });
});
