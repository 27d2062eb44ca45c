import type { Composition, Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { buildCheckupReportBundle } from './checkup-report';
import { questionnaireItemsOf } from '@/lib/records/notes/checkup-entry';
import { validateCheckupReportBundle } from './checkup-report-validate';
import { aCheckupReport, aContext } from './test-fixtures';

const report = aCheckupReport;

describe('JP_Bundle_eCheckupGeneral', () => {
  it('is a 検診・健診報告書 document: Composition, Patient, Practitioner, Organization, a 健診 Encounter and one Observation per item, valid', () => {
    const built = buildCheckupReportBundle(report());
    expect(built.identifier).toMatch(/^\d{10}\^2026\^C[0-9a-f]{32}$/);
    const c = built.bundle.entry![0]!.resource as Composition;
    expect(c.type!.coding![0]).toMatchObject({ code: '53576-5', display: '検診・健診報告書' });
    expect(c.event![0]!.period).toEqual({ start: '2026-04-05', end: '2026-04-05' });
    expect(c.section![0]!.code!.coding![0]!.code).toBe('01011');
    expect(c.section![0]!.entry).toHaveLength(4);
    expect(built.bundle.entry!.map((e) => e.resource!.resourceType)).toEqual(['Composition', 'Patient', 'Practitioner', 'Organization', 'Encounter', 'Observation', 'Observation', 'Observation', 'Observation']);
    const obs = built.bundle.entry!.slice(5).map((e) => e.resource as Observation);
    expect(obs[0]!.valueQuantity).toEqual({ value: 162.3, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' });
    expect(obs[2]!.valueCodeableConcept!.coding![0]).toMatchObject({ code: '1', display: '－' });
    expect(obs[3]!.valueString).toBe('総合判定: A 異常なし');
    expect(validateCheckupReportBundle(built)).toEqual([]);
  });

  it('without items, a date or a 医療機関コード it fails with Japanese messages', () => {
    const built = buildCheckupReportBundle(report({ items: [], clinic: { ...aContext().clinic, institutionNumber: '' } }));
    const messages = validateCheckupReportBundle(built).map((i) => i.message);
    expect(messages).toEqual(expect.arrayContaining(['特定健診の検査結果を1つ以上記載してください（特定健診検査結果セクション）。', expect.stringContaining('医療機関コード（10桁）がありません')]));
    const noDate = buildCheckupReportBundle(report({ examDate: '' }));
    expect(validateCheckupReportBundle(noDate).map((i) => i.message)).toContain('健診の実施（event の種別と実施日）がありません。');
  });

  it('an item without a value or with a bad code is named', () => {
    const built = buildCheckupReportBundle(report());
    const o = built.bundle.entry![5]!.resource as Observation;
    delete o.valueQuantity;
    o.code!.coding![0]!.code = '123';
    const messages = validateCheckupReportBundle(built).map((i) => i.message);
    expect(messages).toEqual(expect.arrayContaining(['身長: 結果の値がありません。', '身長: 特定健診の項目コード（17桁）がありません。']));
  });
  it('the 問診 answers are a second section 01012 特定健診問診結果 of coded social-history Observations; none: no section', () => {
    const built = buildCheckupReportBundle(report({ questionnaire: questionnaireItemsOf({ medBp: '1', drinking: '8' }) }));
    const c = built.bundle.entry![0]!.resource as Composition;
    expect(c.section!.map((s) => s.code!.coding![0]!.code)).toEqual(['01011', '01012']);
    expect(c.section![1]!.title).toBe('特定健診問診結果');
    const refs = c.section![1]!.entry!.map((e) => e.reference);
    const answers = built.bundle.entry!.filter((e) => refs.includes(e.fullUrl)).map((e) => e.resource as Observation);
    expect(answers.map((o) => [o.code!.coding![0]!.code, o.valueCodeableConcept!.coding![0]!.system, o.valueCodeableConcept!.coding![0]!.code, o.category![0]!.coding![0]!.code])).toEqual([
      ['9N701000000000011', 'urn:oid:1.2.392.200119.6.2003', '1', 'social-history'],
      ['9N786000000000011', 'urn:oid:1.2.392.200119.6.24040', '8', 'social-history'],
    ]);
    expect(validateCheckupReportBundle(built)).toEqual([]);
    const none = buildCheckupReportBundle(report({ questionnaire: [] }));
    expect((none.bundle.entry![0]!.resource as Composition).section!.map((s) => s.code!.coding![0]!.code)).toEqual(['01011']);
  });
});
