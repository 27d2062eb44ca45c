import { describe, expect, it } from 'vitest';
import { DEPARTMENTS, departmentCoding, findDepartment, SSMIX2_DEPARTMENT_SYSTEM } from './departments';

describe('SS-MIX2 departments', () => {
  it('has the codes used in the JP-CLINS examples', () => {
    expect(findDepartment('01')?.name).toBe('内科');
    expect(findDepartment('08')?.name).toBe('循環器科');
    expect(findDepartment('26')?.name).toBe('眼科');
    expect(findDepartment('081')?.name).toBe('循環器内科');
    for (const c of ['01', '08', '081', '26']) expect(findDepartment(c)?.confirmed).toBe(true);
    expect(findDepartment('10')?.confirmed).toBe(false);
  });

  it('codes are unique and use the SS-MIX2 system', () => {
    const codes = DEPARTMENTS.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of DEPARTMENTS) {
      expect(d.system).toBe('http://jami.jp/SS-MIX2/CodeSystem/ClinicalDepartment');
      expect(d.code).toMatch(/^\d{2,3}$/);
    }
  });

  it('normalises width and whitespace, rejects unknown codes', () => {
    expect(findDepartment(' ０１ ')?.code).toBe('01');
    expect(findDepartment('99')).toBeNull();
    expect(findDepartment('')).toBeNull();
    expect(findDepartment(null)).toBeNull();
    expect(departmentCoding('08')).toEqual({ system: SSMIX2_DEPARTMENT_SYSTEM, code: '08', display: '循環器科' });
    expect(departmentCoding('xx')).toBeNull();
  });
});
