import { describe, expect, it } from 'vitest';
import { egfrCreatinineJsn, egfrOnCollection } from './egfr';

describe('eGFRcreat (日本腎臓学会)', () => {
  it('computes 194 × Cr^−1.094 × age^−0.287, × 0.739 for women', () => {
    expect(egfrCreatinineJsn({ creatinineMgDl: 1.0, age: 60, sex: 'male' })).toBe(59.9);
    expect(egfrCreatinineJsn({ creatinineMgDl: 1.0, age: 60, sex: 'female' })).toBe(44.3);
    expect(egfrCreatinineJsn({ creatinineMgDl: 0.8, age: 45, sex: 'male' })).toBe(83.1);
  });

  it('gives nothing for children, other sexes or a missing value', () => {
    expect(egfrCreatinineJsn({ creatinineMgDl: 0.4, age: 10, sex: 'male' })).toBeNull();
    expect(egfrCreatinineJsn({ creatinineMgDl: 1, age: 40, sex: 'unknown' })).toBeNull();
    expect(egfrCreatinineJsn({ creatinineMgDl: null, age: 40, sex: 'male' })).toBeNull();
  });

  it('uses the age on the day of collection', () => {
    // turns 60 on 2026-05-14: a specimen of the day before is computed at 59
    expect(egfrOnCollection({ creatinineMgDl: 1.0, birthDate: '1966-05-14', sex: 'male', collectedDate: '2026-05-13' })).toBe(egfrCreatinineJsn({ creatinineMgDl: 1.0, age: 59, sex: 'male' }));
    expect(egfrOnCollection({ creatinineMgDl: 1.0, birthDate: '1966-05-14', sex: 'male', collectedDate: '2026-05-14' })).toBe(59.9);
  });
});
