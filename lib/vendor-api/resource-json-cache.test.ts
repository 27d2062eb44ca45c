import { describe, expect, it } from 'vitest';
import { ResourceJsonCache, type JsonMatch } from './resource-json-cache';

const match = (id: string, size = 100): JsonMatch => ({ id, patientId: null, json: Buffer.alloc(size) });

describe('ResourceJsonCache', () => {
  it('answers only for the source the JSON was written from', () => {
    const cache = new ResourceJsonCache(10_000);
    const kept = match('a');
    cache.set('k', 'source 1', kept);
    expect(cache.get('k', 'source 1')).toBe(kept);
    expect(cache.get('k', 'source 2')).toBeUndefined();
    expect(cache.get('other', 'source 1')).toBeUndefined();
    const again = match('a');
    cache.set('k', 'source 2', again);
    expect(cache.get('k', 'source 2')).toBe(again);
    expect(cache.get('k', 'source 1')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('lets the oldest entries go beyond its size, except those read since (a second chance)', () => {
    // each entry: 100 bytes of JSON + 2 × 1 character of source = 102 bytes; room for 3
    const cache = new ResourceJsonCache(310);
    for (const key of ['a', 'b', 'c']) cache.set(key, 's', match(key));
    expect(cache.get('a', 's')).toBeDefined();
    cache.set('d', 's', match('d'));
    expect(cache.get('b', 's')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => cache.get(k, 's')?.id)).toEqual(['a', 'c', 'd']);
    // every entry read: one pass unmarks them all, then the oldest goes
    cache.set('e', 's', match('e'));
    expect(cache.size).toBe(3);
    expect(cache.get('e', 's')?.id).toBe('e');
    // too big for the cache at all: not kept, nothing else lost
    cache.set('huge', 's', match('huge', 1000));
    expect(cache.get('huge', 's')).toBeUndefined();
    expect(cache.size).toBe(3);
  });
});
