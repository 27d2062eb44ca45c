import type { Composition, CompositionSection, DocumentReference, Encounter, MedicationRequest } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDischargeSummaryBundle, stayDays } from './discharge-summary';
import { validateDischargeSummaryBundle, validateDischargeSummaryDocument } from './discharge-summary-validate';
import { loadReferralProfiles, validateReferralDocument } from './referral-validate';
import { aDischargeSummary, aDrugLine } from './test-fixtures';

beforeAll(() => loadReferralProfiles(), 60_000);

const summary = aDischargeSummary;

const composition = (b: ReturnType<typeof buildDischargeSummaryBundle>) => b.bundle.entry![0]!.resource as Composition;
const codes = (sections: CompositionSection[] = []) => sections.map((s) => s.code!.coding![0]!.code);
const resource = <T,>(b: ReturnType<typeof buildDischargeSummaryBundle>, type: string) => b.bundle.entry!.find((e) => e.resource!.resourceType === type)!.resource as T;

describe('JP_Bundle_eDischargeSummary', () => {
  it('is a document with the ten required sub-sections, the stay as an inpatient Encounter, the course as a DocumentReference, and valid', () => {
    const built = buildDischargeSummaryBundle(summary());
    expect(built.identifier).toMatch(/^\d{10}\^2026\^D[0-9a-f]{32}$/);
    const c = composition(built);
    expect(c.type!.coding![0]).toMatchObject({ code: '18842-5', display: '退院時サマリー' });
    expect(c.category![0]!.coding![0]!.code).toBe('DISCHARGE');
    expect(c.event![0]!.period).toEqual({ start: '2026-03-01', end: '2026-03-10' });
    expect(codes(c.section)).toEqual(['300']);
    expect(codes(c.section![0]!.section)).toEqual(['322', '342', '352', '312', '362', '372', '510', '333', '324', '344', '444', '424']);
    const encounter = resource<Encounter>(built, 'Encounter');
    expect(encounter.class.code).toBe('IMP');
    expect(encounter.length).toMatchObject({ value: 10, unit: '日' });
    expect(encounter.hospitalization!.dischargeDisposition!.coding![0]).toMatchObject({ system: 'http://jpfhir.jp/fhir/Common/CodeSystem/discharge-disposition', code: '1' });
    const course = resource<DocumentReference>(built, 'DocumentReference');
    expect(Buffer.from(course.content[0]!.attachment.data!, 'base64').toString('utf8')).toContain('第7病日');
    // 退院時診断 lists both diagnoses, 入院時診断 one; each Condition is in the bundle once
    const sub = c.section![0]!.section!;
    expect(sub.find((s) => codes([s])[0] === '344')!.entry).toHaveLength(2);
    expect(sub.find((s) => codes([s])[0] === '342')!.entry).toHaveLength(1);
    expect(built.bundle.entry!.filter((e) => e.resource!.resourceType === 'Condition')).toHaveLength(2);
    expect(validateDischargeSummaryBundle(built)).toEqual([]);
  });

  it('writes the 退院時処方 as MedicationRequests (444 entries), valid; a drug line without a name is found in Japanese', () => {
    const built = buildDischargeSummaryBundle(summary({ prescriptions: [aDrugLine(), aDrugLine({ rpNumber: 2, drugCodeSystem: 'generic', drugCode: '2171022F1ZZZ', drugName: '【般】アムロジピン錠5mg', refillTimes: 2 })] }));
    const s444 = composition(built).section![0]!.section!.find((s) => codes([s])[0] === '444')!;
    const meds = built.bundle.entry!.filter((e) => e.resource!.resourceType === 'MedicationRequest');
    expect(s444.entry!.map((e) => e.reference)).toEqual(meds.map((m) => m.fullUrl));
    expect(s444.text!.div).toContain('アモキシシリン');
    expect((meds[1]!.resource as MedicationRequest).dispenseRequest!.numberOfRepeatsAllowed).toBe(1);
    expect(validateDischargeSummaryBundle(built)).toEqual([]);
    (meds[0]!.resource as MedicationRequest).medicationCodeableConcept!.text = undefined;
    const issues = validateDischargeSummaryBundle(built);
    expect(issues).toEqual([expect.objectContaining({ resourceType: 'MedicationRequest', recordId: '5d0f3c9e-0000-4000-8000-00000000a001-1-1', message: '薬剤（コード・名称）がありません（必須項目）。入力してください。' })]);
  });

  it('without a 退院時診断, the course or the 転帰 it fails with Japanese messages', () => {
    const built = buildDischargeSummaryBundle(summary({ dischargeDiagnosisIds: [], stay: { admissionDate: '2026-03-01', dischargeDate: '2026-03-10', outcome: { code: '', display: '' }, destination: '' } }));
    const messages = validateDischargeSummaryBundle(built).map((i) => i.message);
    expect(messages).toEqual(expect.arrayContaining(['退院時診断を1つ以上記載してください（退院時診断セクションは必須）。', '退院時転帰を選択してください。']));
  });

  it('the Composition is checked against JP_Composition_eDischargeSummary; a removed required section is named', () => {
    const built = buildDischargeSummaryBundle(summary());
    const c = composition(built);
    c.title = '退院サマリ';
    c.section![0]!.section = c.section![0]!.section!.filter((s) => codes([s])[0] !== '424');
    const messages = validateDischargeSummaryBundle(built).map((i) => i.message).join('\n');
    expect(messages).toContain('Composition.title');
    expect(messages).toContain('「退院時方針指示」セクションがありません（必須）。');
  });

  it('is not a 診療情報提供書, and a 診療情報提供書 rule set does not accept it (the two validators are told apart by type)', () => {
    const built = buildDischargeSummaryBundle(summary());
    expect(validateDischargeSummaryDocument(built.bundle)).toEqual([]);
    expect(validateReferralDocument(built.bundle).length).toBeGreaterThan(0);
  });

  it('counts the stay inclusive of the admission day', () => {
    expect(stayDays('2026-03-01', '2026-03-01')).toBe(1);
    expect(stayDays('2026-02-27', '2026-03-02')).toBe(4);
  });
});
