import { describe, expect, it } from 'vitest';
import { bodyLimitFor, decodeFileNameHeader, exceedsBodyLimit, SERVER_ACTION_BODY_LIMIT } from './body-limits';

const h = (o: Record<string, string>) => new Headers(o);

describe('request body limits (issue 9 item 16)', () => {
  it('applies to server actions, with a Japanese message; master uploads limit themselves while streaming', () => {
    expect(bodyLimitFor('POST', '/api/internal/masters/imports', h({}))).toBeNull();
    expect(bodyLimitFor('POST', '/labs/import', h({ 'next-action': 'abc' }))?.limit).toBe(SERVER_ACTION_BODY_LIMIT);
    expect(bodyLimitFor('GET', '/api/internal/masters/imports', h({}))).toBeNull();
    expect(bodyLimitFor('POST', '/login', h({}))).toBeNull();
    const limit = bodyLimitFor('POST', '/x', h({ 'next-action': 'abc' }))!;
    expect(limit.message).toMatch(/大きすぎます（5MBまで）/);
    expect(exceedsBodyLimit(limit, h({ 'content-length': String(6 * 1024 * 1024) }))).toBe(true);
    expect(exceedsBodyLimit(limit, h({ 'content-length': '1000' }))).toBe(false);
    expect(exceedsBodyLimit(limit, h({}))).toBe(false);
  });

  it('decodes x-file-name, and says null for malformed percent-encoding instead of throwing', () => {
    expect(decodeFileNameHeader(encodeURIComponent('b_20240601.txt'))).toBe('b_20240601.txt');
    expect(decodeFileNameHeader(encodeURIComponent('医薬品マスター.csv'))).toBe('医薬品マスター.csv');
    expect(decodeFileNameHeader('%E0%A4%A')).toBeNull();
    expect(decodeFileNameHeader('%')).toBeNull();
    expect(decodeFileNameHeader(null)).toBe('');
  });
});
