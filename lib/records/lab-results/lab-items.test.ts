import { describe, expect, it } from 'vitest';
import {
  computeLabFlag,
  CORE_LAB_CODE_SYSTEM,
  findLabItem,
  findLabItemByJlac10,
  INFECTION_LAB_CODE_SYSTEM,
  isUnitCompatible,
  JP_CLINS_VERSION,
  jpClinsDisplayFor,
  LAB_ITEMS,
  LAB_ITEMS_BY_JLAC10,
  LAB_ITEMS_BY_KEY,
  normalizeLabTextValue,
  type LabItem,
} from './lab-items';

/**
 * Expected slice displays, written down once from jpclins-1.10.0-dev-20250208-lab-slices.csv
 * (1.10.0) and the JP-CLINS 1.5.2 Observation_LabResult_eCS slices (1.5.2): key -> [sliceId, 1.10.0, 1.5.2].
 */
const EXPECTED: Record<string, [string, string, string]> = {
  TP: ['tp', 'TP', 'TP'], ALB: ['alb', 'ALB', 'ALB'], CK: ['ck', 'CK', 'CK'], AST: ['ast', 'AST', 'AST'], ALT: ['alt', 'ALT', 'ALT'],
  LD: ['ld', 'LD', 'LD'], ALP: ['alp', 'ALP', 'ALP'], GGT: ['ggt', 'GGT', 'GGT'], ChE: ['che', 'ChE', 'ChE'], AMY: ['amy', 'AMY', 'AMY'],
  CRE: ['cre', 'Cre', 'Cre'], CysC: ['cys-c', 'Cys-C', 'Cys-C'], UA: ['ua', 'UA', 'UA'], BUN: ['bun', 'BUN', 'BUN'], GLU: ['bg', 'BG', 'BS'],
  HbA1c: ['hba1c-ngsp', 'HbA1c-NGSP', 'HbA1c-NGSP'], TG: ['tg', 'TG', 'TG'], TCHO: ['t-cho', 'T-CHO', 'T-CHO'], HDLC: ['hdl-c', 'HDL-C', 'HDL-C'],
  LDLC: ['ldl-c', 'LDL-C', 'LDL-C'], Na: ['na', 'Na', 'Na'], K: ['k', 'K', 'K'], Cl: ['cl', 'Cl', 'Cl'], Ca: ['ca', 'Ca', 'Ca'],
  TBIL: ['t-bil', 'T-Bil', 'T-Bil'], DBIL: ['d-bil', 'D-Bil', 'D-Bil'], WBC: ['wbc', 'WBC', 'WBC'], RBC: ['rbc', 'RBC', 'RBC'], Hb: ['hb', 'Hb', 'Hb'],
  PLT: ['plt', 'PLT', 'PLT'], APTT: ['aptt', 'APTT', 'APTT'], PTINR: ['pt-inr', 'PT-INR', 'PT-INR'], DDIMER: ['dd', 'DD', 'DD'],
  UPRO: ['utp', 'U-TP', 'U-TP'], UGLU: ['u-glu', 'U-Glu', 'U-Glu'], UBLD: ['u-bld', 'U-Bld', 'U-Bld'], UPCR: ['u-pc', 'U-P/C', 'U-pc'],
  UACR: ['u-ac', 'U-A/C', 'U-ac'], BNP: ['bnp', 'BNP', 'BNP'], NTproBNP: ['nt-probnp', 'NT-proBNP', 'NT-proBNP'], CRP: ['crp', 'CRP', 'CRP'],
  ABO: ['abo-bld', '血液型-ABO', 'ABO-BLD'], Rh: ['rh-bld', '血液型-Rh', 'Rh-BLD'],
  STS: ['stsqlresult', '梅毒STS(定性)', '梅毒STS(定性)'], TPAb: ['tpresult', '梅毒TP抗体(定性)', '梅毒TP抗体(定性)'],
  HBsAg: ['hbsagresult', 'HBs抗原(定性)', 'HBs抗原(判定)'], HCVAb: ['hcvabresult', 'HCV抗体(定性)', 'HCV抗体(判定)'],
  HIVAgAb: ['hiv1p2abp24result', 'HIV-1+2抗体・p24抗原(定性)', 'HIV-1+2抗体・p24抗原(判定)'],
};

const item = (key: string): LabItem => {
  const i = LAB_ITEMS_BY_KEY.get(key);
  if (!i) throw new Error(key);
  return i;
};

describe('lab item table', () => {
  it('has exactly 43 core and 5 infection items', () => {
    expect(LAB_ITEMS.filter((i) => i.set === 'core')).toHaveLength(43);
    expect(LAB_ITEMS.filter((i) => i.set === 'infection')).toHaveLength(5);
    expect(LAB_ITEMS).toHaveLength(48);
    expect(Object.keys(EXPECTED).sort()).toEqual(LAB_ITEMS.map((i) => i.key).sort());
  });

  it('core items are numbered 1..43 once each', () => {
    const nums = LAB_ITEMS.filter((i) => i.set === 'core').map((i) => Number(i.no.split('-')[0]));
    expect([...nums].sort((a, b) => a - b)).toEqual(Array.from({ length: 43 }, (_, i) => i + 1));
    const inf = LAB_ITEMS.filter((i) => i.set === 'infection').map((i) => Number(i.no.split('-')[0]));
    expect(inf.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('every JLAC10 code is 17 characters and unique, keys unique', () => {
    for (const i of LAB_ITEMS) {
      expect(i.jlac10).toMatch(/^[0-9A-Z]{17}$/);
      for (const c of i.knownJlac10) expect(c).toMatch(/^[0-9A-Z]{17}$/);
      expect(i.knownJlac10).toContain(i.jlac10);
    }
    expect(new Set(LAB_ITEMS.map((i) => i.jlac10)).size).toBe(48);
    expect(LAB_ITEMS_BY_JLAC10.size).toBe(48);
    expect(new Set(LAB_ITEMS.map((i) => i.key)).size).toBe(48);
    const all = LAB_ITEMS.flatMap((i) => i.knownJlac10);
    expect(new Set(all).size).toBe(all.length);
  });

  it('targets 1.10.0 and every display equals the IG slice display', () => {
    expect(JP_CLINS_VERSION).toBe('1.10.0');
    for (const i of LAB_ITEMS) {
      const [slice, d110, d152] = EXPECTED[i.key];
      expect(i.sliceId, i.key).toBe(slice);
      expect(i.displays['1.10.0'], i.key).toBe(d110);
      expect(i.displays['1.5.2'], i.key).toBe(d152);
      expect(i.display).toBe(i.displays[JP_CLINS_VERSION]);
    }
    // U+8840 血, not the Kangxi radical U+2F8E of the 1.5.2 CodeSystem display
    expect(item('ABO').display.codePointAt(0)).toBe(0x8840);
  });

  it('uses the core / infection CodeSystem URIs', () => {
    expect(item('AST').codeSystem).toBe('http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS');
    expect(item('HBsAg').codeSystem).toBe('http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS');
    for (const i of LAB_ITEMS) expect(i.codeSystem).toBe(i.set === 'core' ? CORE_LAB_CODE_SYSTEM : INFECTION_LAB_CODE_SYSTEM);
  });

  it('derives specimen from the JLAC10 specimen part', () => {
    expect([item('AST').specimenCode, item('AST').specimen]).toEqual(['023', '血清']);
    expect([item('GLU').specimenCode, item('GLU').specimen]).toEqual(['022', '血漿']);
    expect([item('HbA1c').specimenCode, item('HbA1c').specimen]).toEqual(['019', '全血']);
    expect([item('UPRO').specimenCode, item('UPRO').specimen]).toEqual(['001', '尿']);
    expect(item('K').jlac10).toBe('3H015000002326101'); // as in the IG example
  });

  it('value types and decimals', () => {
    expect(item('AST').valueType).toBe('numeric');
    expect(item('CRE').decimals).toBe(2);
    expect(item('HBsAg').valueType).toBe('ordinal');
    expect(item('UBLD').ordinalValues).toEqual(['(-)', '(±)', '(+)', '(2+)', '(3+)', '(4+)']);
    expect(item('ABO').valueType).toBe('nominal');
    for (const i of LAB_ITEMS.filter((x) => x.set === 'infection')) expect(i.valueType).toBe('ordinal');
  });

  it('variant codes get their own display', () => {
    expect(findLabItem('3D010129902227101')?.key).toBe('GLU');
    expect(jpClinsDisplayFor(item('GLU'), '3D010129902227101')).toBe('CBG');
    expect(jpClinsDisplayFor(item('GLU'), '3D010129902227101', '1.5.2')).toBe('BS');
    expect(jpClinsDisplayFor(item('GLU'), '3D010000002227101')).toBe('BG');
    expect(jpClinsDisplayFor(item('AST'))).toBe('AST');
  });
});

describe('findLabItem', () => {
  it.each([
    ['GOT', 'AST'], ['GPT', 'ALT'], ['γ-GTP', 'GGT'], ['γ－ＧＴＰ', 'GGT'], ['Cr', 'CRE'], ['CRE', 'CRE'], ['cre', 'CRE'],
    ['HbA1c(NGSP)', 'HbA1c'], ['HbA1c', 'HbA1c'], ['LDH', 'LD'], ['T-CHO', 'TCHO'], ['TCHO', 'TCHO'], ['ｇｐｔ', 'ALT'],
    ['クレアチニン', 'CRE'], ['尿蛋白', 'UPRO'], ['HBs抗原', 'HBsAg'], ['TPHA', 'TPAb'], ['RPR', 'STS'], ['eGFR', null],
    ['HBs抗原(判定)', 'HBsAg'], ['HBs抗原(定性)', 'HBsAg'], ['U-P/C', 'UPCR'], ['血液型-ABO', 'ABO'],
  ])('%s -> %s', (q, key) => {
    expect(findLabItem(q)?.key ?? null).toBe(key);
  });

  it('matches JLAC10 codes exactly and by analyte for other methods', () => {
    expect(findLabItem('3B035000002327201')?.key).toBe('AST');
    expect(findLabItem('2A010000001930101')?.key).toBe('WBC'); // laboitemset revised code
    expect(findLabItemByJlac10('3B035000002304101')?.key).toBe('AST'); // unlisted method, same analyte/result
    expect(findLabItemByJlac10('3A015000000127101')).toBeNull(); // urine albumin is not serum ALB
    expect(findLabItemByJlac10('8A065000002391901')).toBeNull(); // eGFR is not one of the 48
    expect(findLabItem('')).toBeNull();
    expect(findLabItem(undefined)).toBeNull();
  });
});

describe('computeLabFlag', () => {
  it('uses sex-specific JCCLS ranges', () => {
    const cre = item('CRE');
    expect(computeLabFlag({ item: cre, value: 0.9, sex: 'male' })).toBe('N');
    expect(computeLabFlag({ item: cre, value: 0.9, sex: 'female' })).toBe('H');
    expect(computeLabFlag({ item: cre, value: 0.5, sex: 'male' })).toBe('L');
    expect(computeLabFlag({ item: cre, value: 0.5, sex: 'F' })).toBe('N');
    expect(computeLabFlag({ item: cre, value: 0.9, sex: null })).toBeNull();
    const hb = item('Hb');
    expect(computeLabFlag({ item: hb, value: 12.5, sex: 'male' })).toBe('L');
    expect(computeLabFlag({ item: hb, value: 12.5, sex: 'female' })).toBe('N');
  });

  it('uses common ranges regardless of sex, boundaries inclusive', () => {
    const ast = item('AST');
    expect(computeLabFlag({ item: ast, value: 30, sex: null })).toBe('N');
    expect(computeLabFlag({ item: ast, value: 31, sex: 'female' })).toBe('H');
    expect(computeLabFlag({ item: ast, value: 12, sex: 'male' })).toBe('L');
    expect(computeLabFlag({ item: ast, value: '13', sex: 'male' })).toBe('N');
  });

  it('prefers the lab range, returns null without a range', () => {
    expect(computeLabFlag({ item: item('AST'), value: 35, referenceLow: 10, referenceHigh: 40 })).toBe('N');
    expect(computeLabFlag({ item: item('BNP'), value: 500 })).toBeNull();
    expect(computeLabFlag({ item: item('BNP'), value: 500, referenceHigh: 18.4 })).toBe('H');
    expect(computeLabFlag({ item: item('AST'), value: 'abc' })).toBeNull();
    expect(computeLabFlag({ item: null, value: 1 })).toBeNull();
  });

  it('flags qualitative items against the normal value', () => {
    expect(computeLabFlag({ item: item('HBsAg'), value: '(-)' })).toBe('N');
    expect(computeLabFlag({ item: item('HBsAg'), value: '陽性' })).toBe('H');
    expect(computeLabFlag({ item: item('HBsAg'), value: '判定保留' })).toBeNull();
    expect(computeLabFlag({ item: item('UPRO'), value: '-' })).toBe('N');
    expect(computeLabFlag({ item: item('UPRO'), value: '2+' })).toBe('H');
    expect(computeLabFlag({ item: item('ABO'), value: 'A' })).toBeNull();
  });
});

describe('normalisation helpers', () => {
  it('normalises qualitative values', () => {
    expect(normalizeLabTextValue(item('UPRO'), '（－）')).toBe('(-)');
    expect(normalizeLabTextValue(item('UPRO'), '±')).toBe('(±)');
    expect(normalizeLabTextValue(item('UPRO'), '+++')).toBe('(3+)');
    expect(normalizeLabTextValue(item('UPRO'), '(2+)')).toBe('(2+)');
    expect(normalizeLabTextValue(item('HCVAb'), '(+)')).toBe('陽性');
    expect(normalizeLabTextValue(item('HCVAb'), 'NEGATIVE')).toBe('陰性');
    expect(normalizeLabTextValue(item('ABO'), 'ＡＢ型')).toBe('AB');
    expect(normalizeLabTextValue(item('Rh'), 'Rh(+)')).toBe('陽性');
    expect(normalizeLabTextValue(item('HCVAb'), 'たぶん')).toBeNull();
    expect(normalizeLabTextValue(item('AST'), '陰性')).toBeNull();
  });

  it('compares units without converting', () => {
    expect(isUnitCompatible(item('AST'), 'U/L')).toBe(true);
    expect(isUnitCompatible(item('AST'), 'u/l')).toBe(true);
    expect(isUnitCompatible(item('K'), 'mmol/L')).toBe(true);
    expect(isUnitCompatible(item('PLT'), '×10^4/μL')).toBe(true);
    expect(isUnitCompatible(item('WBC'), '/mm3')).toBe(true);
    expect(isUnitCompatible(item('DDIMER'), 'µg/mL')).toBe(true);
    expect(isUnitCompatible(item('ALB'), 'g/L')).toBe(false);
    expect(isUnitCompatible(item('GLU'), 'mmol/L')).toBe(false);
    expect(isUnitCompatible(item('AST'), '')).toBe(true);
  });
});
