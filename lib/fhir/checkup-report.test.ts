import type { Composition, Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { buildCheckupReportBundle, type CheckupReportInput } from './checkup-report';
import { validateCheckupReportBundle } from './checkup-report-validate';
import { NOW, aContext, aPatient } from './test-fixtures';

const report = (overrides: Partial<CheckupReportInput> = {}): CheckupReportInput => ({
  lineageId: '5d1f3c2a-1111-4222-8333-444455556666',
  version: 1,
  confirmedAt: NOW,
  examDate: '2026-04-05',
  clinic: { ...aContext().clinic, address: '東京都千代田区1-1' },
  author: { id: 'doctor-1', name: '山田 医師', licenseNumber: '123456' },
  patient: aPatient(),
  items: [
    { kind: 'quantity', code: '9N001000000000001', display: '身長', value: 162.3, unit: 'cm', ucum: 'cm', category: 'body-measurement' },
    { kind: 'quantity', code: '3D046000001906202', display: 'ＨｂＡ１ｃ（ＮＧＳＰ）', value: 5.6, unit: '%', ucum: '%', category: 'laboratory' },
    { kind: 'coded', code: '1A020000000191111', display: '尿糖', system: 'urn:oid:1.2.392.200119.6.2102', valueCode: '1', valueDisplay: '－', category: 'laboratory', specimen: '尿' },
    { kind: 'text', code: '9N511000000000049', display: '医師の診断（判定）', value: '総合判定: A 異常なし', category: 'exam' },
  ],
  ...overrides,
});

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
});
