import { describe, expect, it } from 'vitest';
import { buildUnitBundle } from './bundle';
import { renderBundle, renderBundleText } from './render';
import { aContext, aDiagnosis, aLabResult, aPatient, anAllergy } from './test-fixtures';

describe('renderBundle', () => {
  it('shows the patient, each diagnosis with its flags, and the raw JSON', () => {
    const built = buildUnitBundle(aContext(), {
      kind: 'condition',
      patient: aPatient(),
      diagnoses: [aDiagnosis({ isPrimary: true, uninformed: true, longTermStorage: true }), aDiagnosis({ lineageId: 'd2', isSuspected: true, outcome: 'cured', endDate: new Date('2026-06-30T00:00:00Z') })],
    })!;
    const r = renderBundle(built.bundle);
    expect(r.kind).toBe('傷病名');
    expect(r.identifier).toBe(built.identifier);
    expect(r.patient).toContainEqual({ label: '被保険者個人識別子', value: '06138057:12:345:01' });
    expect(r.patient).toContainEqual({ label: '氏名', value: '山田 太郎（ヤマダ タロウ）' });
    expect(r.records[0]).toMatchObject({ heading: '高血圧症（主病名）', flags: ['長期保存', '未告知'] });
    expect(r.records[0]!.rows).toContainEqual({ label: '確からしさ', value: '確定' });
    expect(r.records[1]!.rows).toContainEqual({ label: '転帰', value: '治癒（2026/06/30）' });
    expect(r.records[1]!.rows).toContainEqual({ label: '確からしさ', value: '疑い' });
    expect(JSON.parse(r.json)).toEqual(built.bundle);
  });

  it('shows allergies and lab results in Japanese', () => {
    const allergy = renderBundle(buildUnitBundle(aContext(), { kind: 'allergy', patient: aPatient({ insurance: null }), allergies: [anAllergy()] })!.bundle);
    expect(allergy.patient).toContainEqual({ label: '被保険者個人識別子', value: '（医療保険の登録なし）' });
    expect(allergy.records[0]!.rows).toContainEqual({ label: '区分', value: '薬剤アレルギー等' });
    expect(allergy.records[0]!.rows).toContainEqual({ label: '症状', value: '蕁麻疹（中等度）' });
    const lab = buildUnitBundle(aContext(), { kind: 'lab-report', patient: aPatient(), reportKey: 'R', results: [aLabResult({ valueNumber: null, valueText: '<0.5', flag: 'L' })] })!.bundle;
    const text = renderBundleText(lab);
    expect(text).toContain('【検査結果】');
    expect(text).toContain('結果: <0.5 mEq/L（低値）');
    expect(text).toContain('依頼医: 佐藤 一郎');
  });
});
