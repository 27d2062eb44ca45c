import type { Composition, CompositionSection } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReferralBundle } from './referral';
import { loadReferralProfiles, validateReferralBundle } from './referral-validate';
import type { MedicationRequest } from '@medplum/fhirtypes';
import { toFhirMedicationRequest } from './medication-request';
import { fhirTarget } from './profiles';
import { aContext, aDiagnosis, aDrugLine, aReferral } from './test-fixtures';

beforeAll(() => loadReferralProfiles(), 60_000);

const letter = aReferral;

const composition = (b: ReturnType<typeof buildReferralBundle>) => b.bundle.entry![0]!.resource as Composition;
const codes = (sections: CompositionSection[] = []) => sections.map((s) => s.code!.coding![0]!.code);

describe('JP_Bundle_eReferral', () => {
  it('is a document: Composition first, the sections the profile requires, Practitioner with 医籍登録番号, Organizations with 医療機関コード, and valid', () => {
    const built = buildReferralBundle(letter());
    expect(built.bundle.type).toBe('document');
    expect(built.identifier).toMatch(/^\d{10}\^2026\^R[0-9a-f]{32}$/);
    const c = composition(built);
    expect(codes(c.section)).toEqual(['920', '910', '300']);
    expect(codes(c.section![2]!.section)).toEqual(['950', '340', '360', '510', '550', '620', '430']);
    const types = built.bundle.entry!.map((e) => e.resource!.resourceType);
    expect(types.slice(0, 2)).toEqual(['Composition', 'Patient']);
    expect(types).toEqual(expect.arrayContaining(['Practitioner', 'Organization', 'Condition', 'AllergyIntolerance', 'Observation']));
    const practitioner = built.bundle.entry!.find((e) => e.resource!.resourceType === 'Practitioner')!.resource as { qualification?: { identifier?: { value?: string }[] }[] };
    expect(practitioner.qualification![0]!.identifier![0]!.value).toBe('123456');
    // the clinical entries are the 6情報 mapping's own resources
    expect(built.units.map((u) => u.bundle.meta!.tag![0]!.code).sort()).toEqual(['AllergyIntolerance', 'Condition', 'Observation']);
    expect(validateReferralBundle(built)).toEqual([]);
  });

  it('lists the prescriptions as MedicationRequests (430 entries) from the one MedicationRequest mapping, valid against JP_MedicationRequest_eCS', () => {
    const lines = [aDrugLine(), aDrugLine({ sortOrder: 2, drugCodeSystem: 'none', drugCode: null, drugName: '院内調剤の軟膏', kind: 'external', doseBasis: 'total', days: null, usageCode: null, usageText: '1日2回患部に塗布', genericSubstitutionAllowed: false })];
    const built = buildReferralBundle(letter({ prescriptions: lines }));
    const meds = built.bundle.entry!.filter((e) => e.resource!.resourceType === 'MedicationRequest');
    expect(meds).toHaveLength(2);
    const s430 = composition(built).section![2]!.section!.find((s) => s.code!.coding![0]!.code === '430')!;
    expect(s430.entry!.map((e) => e.reference)).toEqual(meds.map((m) => m.fullUrl));
    expect(s430.text!.div).toContain('アムロジピン 5mg');
    const first = meds[0]!.resource as MedicationRequest;
    expect(`urn:uuid:${first.id}`).toBe(meds[0]!.fullUrl);
    expect(first.meta!.profile![0]).toContain('JP_MedicationRequest_eCS');
    // the same mapping as the vendor API: everything but the document's id, profile and in-bundle references
    const api = toFhirMedicationRequest(fhirTarget(), aContext().clinic, lines[0]!, first.subject!.reference!);
    const strip = ({ id: _i, meta: _m, requester: _r, encounter: _e, ...rest }: MedicationRequest) => rest;
    expect(strip(first)).toEqual(strip(api));
    expect(first.requester).toEqual({ display: '山田 医師' });
    expect(first.encounter).toBeUndefined();
    expect(first.subject!.reference).toBe(built.bundle.entry![1]!.fullUrl);
    expect(validateReferralBundle(built)).toEqual([]);
  });

  it('a 処方 that breaks JP_MedicationRequest_eCS fails with a Japanese message naming the drug line', () => {
    const built = buildReferralBundle(letter({ prescriptions: [aDrugLine()] }));
    const med = built.bundle.entry!.find((e) => e.resource!.resourceType === 'MedicationRequest')!.resource as MedicationRequest;
    // no standard code and no NOCODED: the profile's needs-anyOfStandardCode-medication invariant; and no printed name
    med.medicationCodeableConcept = { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.74', code: '620002305' }] };
    med.status = 'active';
    const issues = validateReferralBundle(built);
    expect(issues.find((i) => i.expression === 'MedicationRequest.status')).toMatchObject({ resourceType: 'MedicationRequest', field: '状態', message: expect.stringContaining('状態の値がプロファイルの固定値と違います') });
    expect(issues.some((i) => i.resourceType === 'MedicationRequest' && i.recordId === '5d0f3c9e-0000-4000-8000-00000000a001-1-1' && i.rule === 'needs-anyOfStandardCode-medication')).toBe(true);
    const missingText = issues.find((i) => i.resourceType === 'MedicationRequest' && i.expression.startsWith('MedicationRequest.medication'))!;
    expect(missingText.field).toBe('薬剤（コード・名称）');
    expect(missingText.message).toBe('薬剤（コード・名称）がありません（必須項目）。入力してください。');
    // a 430 entry that is not a MedicationRequest
    const c = composition(built);
    c.section![2]!.section!.find((s) => s.code!.coding![0]!.code === '430')!.entry!.push({ reference: built.bundle.entry![1]!.fullUrl });
    expect(validateReferralBundle(built).map((i) => i.message)).toContain('「投薬指示」セクションは処方（MedicationRequest）だけを指してください。');
  });

  it('a letter without a 傷病名, or to an institution without 医療機関コード, fails with Japanese messages', () => {
    const issues = validateReferralBundle(buildReferralBundle(letter({ diagnoses: [], destination: { code: null, name: '近所の病院', department: '', doctor: '' } })));
    expect(issues.map((i) => i.message)).toEqual(
      expect.arrayContaining(['傷病名を1つ以上記載してください（傷病名・主訴セクションは必須）。', expect.stringContaining('紹介先の医療機関コード（10桁）がありません。')]),
    );
  });

  it('the Composition is checked against JP_Composition_eReferral: a changed fixed value or a missing 紹介元 section is found', () => {
    const built = buildReferralBundle(letter());
    const c = composition(built);
    c.title = '紹介状';
    c.section = c.section!.slice(1);
    const messages = validateReferralBundle(built).map((i) => i.message).join('\n');
    expect(messages).toContain('Composition.title');
    expect(messages).toContain('referralFromSection');
  });

  it('an error in a clinical entry is the 6情報 validator\'s, naming the record', () => {
    const built = buildReferralBundle(letter({ diagnoses: [aDiagnosis({ isPrimary: true, startDate: '' as unknown as string })] }));
    const issues = validateReferralBundle(built);
    expect(issues.some((i) => i.resourceType === 'Condition' && i.recordId)).toBe(true);
  });
});

describe('950 紹介目的 as the profile allows it', () => {
  const purposeSection = (b: ReturnType<typeof buildReferralBundle>) => composition(b).section!.find((s) => s.code!.coding![0]!.code === '300')!.section!.find((s) => s.code!.coding![0]!.code === '950')!;
  const purposeIssues = (b: ReturnType<typeof buildReferralBundle>) => validateReferralBundle(b).filter((i) => i.rule === 'ereferral-purpose' || i.expression.includes('section'));

  it('written only as the referenced Encounter\'s reasonCode (no narrative: text is 0..1) is valid', () => {
    const built = buildReferralBundle(letter());
    const s = purposeSection(built);
    delete s.text;
    const url = 'urn:uuid:3acc3dc7-c79b-41f1-8eea-ac4de9b664b8';
    s.entry = [{ reference: url }];
    built.bundle.entry!.push({ fullUrl: url, resource: { resourceType: 'Encounter', id: url.slice(9), status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, reasonCode: [{ text: '腹痛精査お願いします。' }] } });
    expect(purposeIssues(built)).toEqual([]);
  });

  it('with neither a narrative nor an Encounter saying it, is refused in Japanese', () => {
    const built = buildReferralBundle(letter());
    const s = purposeSection(built);
    delete s.text;
    s.emptyReason = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable' }] };
    expect(validateReferralBundle(built).map((i) => i.message)).toContain('紹介目的を入力してください。');
  });
});
