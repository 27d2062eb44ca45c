import { describe, expect, it } from 'vitest';
import { labItemOptions, rankLabItems } from './lab-result.dto';

const keys = (q: string) => rankLabItems(q, labItemOptions()).map((i) => i.key);

describe('lab item search (quick entry)', () => {
  it('puts the exact abbreviation first: LDL is LDL-C, not LD', () => {
    expect(keys('LDL')[0]).toBe('LDLC');
    expect(keys('ldl')[0]).toBe('LDLC');
    expect(keys('LD')[0]).toBe('LD');
    expect(keys('hba1c')[0]).toBe('HbA1c');
  });

  it('finds by Japanese name in hiragana and by prefix', () => {
    expect(keys('くれあちにん')[0]).toBe('CRE');
    expect(keys('クレア')).toContain('CRE');
    expect(keys('zzz')).toEqual([]);
  });
});
