import { describe, expect, it } from 'vitest';
import { classMatch } from '@/lib/records/prescriptions/safety-check';
import { DRUG_CLASSES, drugClassOfYj, searchDrugClasses } from './drug-classes';

describe('drug classes (薬効分類) shipped with the product', () => {
  it('cover every class of the official drug masters and name ペニシリン系 = 6131', () => {
    expect(DRUG_CLASSES.length).toBe(405);
    expect(new Set(DRUG_CLASSES.map((c) => c.code)).size).toBe(405);
    expect(drugClassOfYj('6131001F2026')?.name).toBe('ペニシリン系抗生物質製剤；合成ペニシリン');
    expect(searchDrugClasses('セフェム').map((c) => c.code)).toEqual(['6132', '6133']); // セフェム系, オキサセフェム系
    expect(searchDrugClasses('613').map((c) => c.code)).toEqual(['6131', '6132', '6133', '6134', '6135', '6139']);
  });

  it('a class allergy matches every YJ code of its class and nothing else', () => {
    const penicillin = { codeSystem: 'yj-class', code: '6131' };
    expect(classMatch('6131001F2026', penicillin)).toBe(true);
    expect(classMatch('6132016F2020', penicillin)).toBe(false);
    expect(classMatch('6131001F2026', { codeSystem: 'yj', code: '6131' })).toBe(false);
    expect(classMatch(null, penicillin)).toBe(false);
  });
});
